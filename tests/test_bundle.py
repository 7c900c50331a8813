"""The installable app: build the Linux bundle from pyinstaller.spec and run the frozen hearth.

Marked `bundle` so it can be run on its own (`uv run pytest -m bundle`); it is part of the
normal suite too. One build per session (about a minute and a half on two cores); every check
then runs the frozen executable from a folder outside the repository, with an environment that
names no Python: no PYTHONPATH, PYTHONHOME or virtual environment, and PATH without the venv.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hearth.core.version import app_version

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "pyinstaller.spec"
# Measured 249 MB (Qt with its ICU data is 80 of them, numpy's OpenBLAS 28); 271 MB with the
# document readers (PDFium 8, lxml 10, the date parsers' tables) and the local API, after
# leaving out babel's locale data and huggingface_hub's Xet module: a ceiling that catches an
# unused Qt module or a dev dependency creeping back in.
MAX_BUNDLE_MB = 290
# What must never be in the bundle: dev tools, models, and Qt modules Hearth does not use.
FORBIDDEN = (
    "pytest",
    "_pytest",
    "hypothesis",
    "mypy",
    "ruff",
    "gguf",
    "fastapi",
    "uvicorn",
    "PySide6/QtQml",
    "PySide6/QtQuick",
    "PySide6/QtNetwork",
    "PySide6/QtWebEngine",
    "PySide6/QtMultimedia",
    "PySide6/Qt3D",
    "libQt6Qml",
    "libQt6Quick",
    "libQt6Network",
)

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux bundle"),
]


def _folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller", reason="PyInstaller is in the dev group: uv sync")
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    build = subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(SPEC),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-8000:]
    folder = out / "dist" / "hearth"
    size_mb = _folder_bytes(folder) / 1e6
    # Shown with -rA / in the log of a failure: the numbers the release notes quote.
    print(f"bundle: {size_mb:.0f} MB, built in {time.monotonic() - started:.0f} s")
    assert size_mb < MAX_BUNDLE_MB, f"the bundle grew to {size_mb:.0f} MB"
    return folder


@pytest.fixture
def frozen_env(tmp_path: Path, hearth_home: Path) -> dict[str, str]:
    """No Python of ours in sight: the bundle must carry everything it runs."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "HEARTH_HOME": str(hearth_home),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    (tmp_path / "home").mkdir()
    return env


def _hearth(
    bundle: Path, env: dict[str, str], cwd: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / "hearth"), *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bundle_contents(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "models" / "catalog.toml").is_file()
    assert any(internal.glob("hearth-*.dist-info")), "the version comes from the metadata"
    assert any((internal / "llama_cpp" / "lib").glob("libllama.*"))
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqoffscreen.so").exists()
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so").exists()
    assert (internal / "hearth" / "gui" / "i18n" / "hearth_de.qm").is_file()
    qt_catalogs = sorted(p.name for p in (internal / "PySide6" / "Qt" / "translations").glob("*"))
    assert qt_catalogs == ["qtbase_de.qm"], "Qt's catalogs for Hearth's languages, no others"
    assert not list(bundle.rglob("*.gguf")), "no models inside the bundle"
    present = {str(p.relative_to(internal)) for p in internal.rglob("*")}
    found = sorted(name for name in present if any(name.startswith(bad) for bad in FORBIDDEN))
    assert not found, f"unexpected in the bundle: {found[:20]}"


def test_frozen_version_doctor_and_catalog(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path, hearth_home: Path
) -> None:
    version = _hearth(bundle, frozen_env, tmp_path, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"hearth {app_version()}"

    doctor = _hearth(bundle, frozen_env, tmp_path, "doctor", "--json")
    assert doctor.returncode == 0, doctor.stderr
    report = json.loads(doctor.stdout)
    assert report["hearth"] == app_version()
    assert report["engine"]["ok"] is True, report["engine"]  # the host started from the bundle
    assert "CPU" in report["engine"]["backends"]

    catalog = _hearth(bundle, frozen_env, tmp_path, "models", "catalog", "--json")
    assert catalog.returncode == 0, catalog.stderr
    assert json.loads(catalog.stdout)["models"], "the bundled catalog.toml was found"

    log = (hearth_home / "logs" / "hearth.log").read_text(encoding="utf-8")
    assert "frozen=True" in log
    assert "started: engine-host" in log  # the host is the frozen executable too


def test_frozen_run_summarize(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path, tiny_model: Path
) -> None:
    text = "The river rose overnight. By morning the bridge was closed and the school shut."
    result = _hearth(
        bundle, frozen_env, tmp_path,
        "run", "summarize", "--model", str(tiny_model), "--offline", "--json",
        stdin=text,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["task"] == "summarize"
    assert answer["route"] == "local"
    assert answer["backend"] == "CPU"
    assert answer["model_path"] == str(tiny_model)
    assert answer["timings"]["output_tokens"] >= 1


def test_frozen_reads_documents(bundle: Path, frozen_env: dict[str, str], tmp_path: Path) -> None:
    """The readers' data files are in the bundle: a web page (trafilatura's settings and stop
    lists), a PDF (PDFium) and a Word file each read as in the source checkout."""
    from tests.core.documents.samples import ARTICLE, html_page, report_pages, write_docx, write_pdf

    page = tmp_path / "page.html"
    page.write_text(html_page(), encoding="utf-8")
    files = [page, write_pdf(tmp_path / "r.pdf", report_pages()), write_docx(tmp_path / "m.docx")]
    for path in files:
        result = _hearth(bundle, frozen_env, tmp_path, "text", str(path), "--json")
        assert result.returncode == 0, (path.name, result.stderr)
        assert json.loads(result.stdout)["chars"] > 100
    article = json.loads(_hearth(bundle, frozen_env, tmp_path, "text", str(page), "--json").stdout)
    assert ARTICLE.split(".")[0] in article["text"]


def test_frozen_gui_screenshot(bundle: Path, frozen_env: dict[str, str], tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    result = _hearth(bundle, frozen_env, tmp_path, "gui", "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a rendered window, not an empty image


def test_frozen_gui_in_german(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path, hearth_home: Path
) -> None:
    """The bundle finds its own catalog and Qt's (QLibraryInfo's path inside the bundle)."""
    shot = tmp_path / "fenster.png"
    env = {**frozen_env, "HEARTH_LANG": "de"}
    result = _hearth(bundle, env, tmp_path, "gui", "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    log = (hearth_home / "logs" / "hearth.log").read_text(encoding="utf-8")
    loaded = next(line for line in log.splitlines() if "translations for de" in line)
    assert "/hearth/gui/i18n/hearth_de.qm" in loaded, loaded
    assert "/PySide6/Qt/translations/qtbase_de.qm" in loaded, loaded


def test_frozen_serves_the_local_api(
    bundle: Path, frozen_env: dict[str, str], tmp_path: Path, tiny_model: Path
) -> None:
    """starlette and uvicorn are in the bundle: `hearth serve` answers on loopback."""
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**frozen_env, "HEARTH_API_TOKEN": "frozen-test-token"}
    server = subprocess.Popen(
        [str(bundle / "hearth"), "serve", "--port", str(port), "--model", str(tiny_model),
         "--offline"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    headers = {"Authorization": "Bearer frozen-test-token"}
    try:
        assert server.stderr is not None
        ready = server.stderr.readline()  # printed once the port is bound and listening
        assert "Hearth serves" in ready, ready + server.communicate()[1]
        models = httpx.get(f"http://127.0.0.1:{port}/v1/models", headers=headers, timeout=60)
        assert models.status_code == 200
        deadline = time.monotonic() + 120
        while True:
            reply = httpx.post(
                f"http://127.0.0.1:{port}/v1/chat/completions",
                headers=headers,
                json={"model": "hearth", "messages": [{"role": "user", "content": "Hi"}],
                      "max_tokens": 4},
                timeout=120,
            )  # fmt: skip
            if reply.status_code != 503 or time.monotonic() > deadline:
                break
            # 503 while the model loads, with the wait the server asks for (as clients do).
            time.sleep(float(reply.headers.get("Retry-After", "1")))
        assert reply.status_code == 200, reply.text
        assert reply.headers["X-Hearth-Route"] == "local"
        assert httpx.get(f"http://127.0.0.1:{port}/v1/models").status_code == 401
    finally:
        server.terminate()
        server.communicate(timeout=30)
