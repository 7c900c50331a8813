"""Finding other apps' models in fake home folders laid out the way each app lays them out."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from hearth.core.models.discovery import Found, ModelDiscovery
from hearth.core.models.entry import Source
from hearth.core.models.library import ModelLibrary

GGUF = b"GGUF\x03\x00\x00\x00" + bytes(56)  # enough to be recognised; not validated here


def put(path: Path, data: bytes = GGUF) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def names(found: list[Found], source: Source) -> list[str]:
    return [f.name for f in found if f.source is source]


def hf_cache(root: Path, repo: str, filename: str, data: bytes = GGUF, commit: str = "c1") -> Path:
    """The Hugging Face cache: snapshots link to blobs named by their SHA-256."""
    folder = root / ("models--" + repo.replace("/", "--"))
    sha = hashlib.sha256(data).hexdigest()
    blob = put(folder / "blobs" / sha, data)
    link = folder / "snapshots" / commit / filename
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(blob, link.parent))
    (folder / "refs").mkdir(exist_ok=True)
    (folder / "refs" / "main").write_text(commit)
    return link


def ollama(root: Path, name: str, tag: str, data: bytes = GGUF, registry: str = "") -> Path:
    """Ollama: a JSON manifest per name:tag naming a content-addressed blob."""
    sha = hashlib.sha256(data).hexdigest()
    blob = put(root / "blobs" / f"sha256-{sha}", data)
    config = put(root / "blobs" / f"sha256-{'c' * 64}", b"{}")
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "digest": f"sha256:{'c' * 64}",
            "size": config.stat().st_size,
        },
        "layers": [
            {
                "mediaType": "application/vnd.ollama.image.template",
                "digest": "sha256:" + "d" * 64,
                "size": 10,
            },
            {
                "mediaType": "application/vnd.ollama.image.model",
                "digest": f"sha256:{sha}",
                "size": len(data),
            },
        ],
    }
    parts = (registry or "registry.ollama.ai/library").split("/")
    put(root / "manifests" / Path(*parts) / name / tag, json.dumps(manifest).encode())
    return blob


def test_an_empty_home_finds_nothing(tmp_path: Path) -> None:
    assert ModelDiscovery(tmp_path, platform="linux").find() == []


def test_the_hugging_face_cache(tmp_path: Path) -> None:
    root = tmp_path / ".cache" / "huggingface" / "hub"
    link = hf_cache(
        root, "bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf"
    )
    hf_cache(
        root,
        "bartowski/Llama-3.2-1B-Instruct-GGUF",
        "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
        commit="c2",
    )  # the same blob in a second snapshot: found once
    put(root / "models--org--safetensors" / "snapshots" / "c" / "model.safetensors", b"x" * 64)

    [found] = ModelDiscovery(tmp_path, platform="linux").find()

    assert found.source is Source.HUGGINGFACE_CACHE
    assert found.repo == "bartowski/Llama-3.2-1B-Instruct-GGUF"
    assert found.name == "bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf"
    assert found.path == link
    assert found.claimed_sha256 == hashlib.sha256(GGUF).hexdigest()
    assert found.size == len(GGUF)


@pytest.mark.parametrize("variable", ["HF_HUB_CACHE", "HF_HOME"])
def test_the_hugging_face_cache_moved_by_environment(tmp_path: Path, variable: str) -> None:
    moved = tmp_path / "elsewhere"
    root = moved if variable == "HF_HUB_CACHE" else moved / "hub"
    hf_cache(root, "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf")

    found = ModelDiscovery(tmp_path / "home", environ={variable: str(moved)}).find()

    assert [f.repo for f in found] == ["Qwen/Qwen2.5-1.5B-Instruct-GGUF"]


def test_lm_studio_new_and_old_folders(tmp_path: Path) -> None:
    put(tmp_path / ".lmstudio/models/lmstudio-community/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf")
    put(tmp_path / ".lmstudio/models/lmstudio-community/Qwen3-4B-GGUF/mmproj-Qwen3-4B-F16.gguf")
    put(tmp_path / ".cache/lm-studio/models/TheBloke/Old-GGUF/old.Q4_K_M.gguf", GGUF + b"old")

    found = ModelDiscovery(tmp_path, platform="linux").find()

    assert names(found, Source.LM_STUDIO) == [
        "lmstudio-community/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf",
        "TheBloke/Old-GGUF/old.Q4_K_M.gguf",
    ]


@pytest.mark.parametrize(
    ("platform", "folder", "environ"),
    [
        ("linux", ".local/share/nomic.ai/GPT4All", {}),
        ("darwin", "Library/Application Support/nomic.ai/GPT4All", {}),
        ("win32", "AppData/Local/nomic.ai/GPT4All", {}),
    ],
)
def test_gpt4all_on_each_platform(
    tmp_path: Path, platform: str, folder: str, environ: dict[str, str]
) -> None:
    put(tmp_path / folder / "Meta-Llama-3-8B-Instruct.Q4_0.gguf")
    put(tmp_path / folder / "localdocs_v2.db", b"SQLite format 3\0")

    found = ModelDiscovery(tmp_path, environ=environ, platform=platform).find()

    assert names(found, Source.GPT4ALL) == ["Meta-Llama-3-8B-Instruct.Q4_0.gguf"]


def test_gpt4all_model_folder_from_its_settings(tmp_path: Path) -> None:
    chosen = tmp_path / "big-disk" / "gpt4all"
    put(chosen / "Phi-3-mini-4k-instruct.Q4_0.gguf")
    ini = tmp_path / ".config/nomic.ai/GPT4All.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text(f"[General]\nmodelPath={chosen}\nthreadCount=4\n")

    found = ModelDiscovery(tmp_path, platform="linux").find()

    assert [f.path for f in found] == [chosen / "Phi-3-mini-4k-instruct.Q4_0.gguf"]


def test_jan_old_and_new_layouts(tmp_path: Path) -> None:
    put(tmp_path / "jan/models/llama3.2-1b-instruct/llama-3.2-1b-instruct-q8_0.gguf")
    put(tmp_path / ".local/share/Jan/data/llamacpp/models/qwen3-4b/model.gguf", GGUF + b"new")
    put(tmp_path / "jan/models/llama3.2-1b-instruct/model.json", b"{}")

    found = ModelDiscovery(tmp_path, platform="linux").find()

    assert names(found, Source.JAN) == [
        "llama3.2-1b-instruct/llama-3.2-1b-instruct-q8_0.gguf",
        "qwen3-4b/model.gguf",
    ]


def test_ollama_manifests_name_their_blobs(tmp_path: Path) -> None:
    root = tmp_path / ".ollama" / "models"
    blob = ollama(root, "llama3.2", "1b")
    ollama(root, "qwen3", "4b-q4_K_M", GGUF + b"qwen")
    ollama(root, "my-model", "latest", GGUF + b"user", registry="registry.ollama.ai/someone")
    ollama(root, "Llama-3.2-1B-GGUF", "Q4_K_M", GGUF + b"hf", registry="hf.co/bartowski")
    put(root / "manifests/registry.ollama.ai/library/broken/latest", b"{not json")

    found = ModelDiscovery(tmp_path, platform="linux").find()

    assert sorted(names(found, Source.OLLAMA)) == [
        "hf.co/bartowski/Llama-3.2-1B-GGUF:Q4_K_M",
        "llama3.2:1b",
        "qwen3:4b-q4_K_M",
        "someone/my-model:latest",
    ]
    llama = next(f for f in found if f.name == "llama3.2:1b")
    assert llama.path == blob
    assert llama.claimed_sha256 == hashlib.sha256(GGUF).hexdigest()


def test_ollama_models_moved_by_environment(tmp_path: Path) -> None:
    ollama(tmp_path / "ollama-store", "phi4-mini", "latest")

    found = ModelDiscovery(
        tmp_path / "home", environ={"OLLAMA_MODELS": str(tmp_path / "ollama-store")}
    ).find()

    assert names(found, Source.OLLAMA) == ["phi4-mini:latest"]


def test_ollama_blobs_that_are_not_gguf_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / ".ollama" / "models"
    ollama(root, "safetensors-thing", "latest", b"\x00" * 64)

    assert ModelDiscovery(tmp_path, platform="linux").find() == []


def test_loops_broken_links_and_unreadable_files_do_not_stop_discovery(tmp_path: Path) -> None:
    models = tmp_path / ".lmstudio" / "models"
    put(models / "good/repo/good.gguf")
    (models / "loop").mkdir(parents=True)
    (models / "loop" / "again").symlink_to(models / "loop")  # a folder loop
    (models / "self.gguf").symlink_to(models / "self.gguf")  # a file loop
    (models / "dangling.gguf").symlink_to(tmp_path / "gone.gguf")
    put(models / "not-a-model.gguf", b"PK\x03\x04 a zip")
    put(models / "empty.gguf", b"")

    found = ModelDiscovery(tmp_path, platform="linux").find()

    assert names(found, Source.LM_STUDIO) == ["good/repo/good.gguf"]


def test_found_models_are_registered_in_place_without_copying(
    tmp_path: Path, library: ModelLibrary, small_model: Path
) -> None:
    home = tmp_path / "home"
    root = home / ".ollama" / "models"
    blob = ollama(root, "hearth-small", "f16", small_model.read_bytes())
    [found] = ModelDiscovery(home, platform="linux").find()

    added = library.register_in_place(found.path, found.source, name=found.id_hint)

    assert added.entry.path == str(blob)
    assert added.entry.source is Source.OLLAMA
    assert not added.entry.managed
    assert added.entry.id == "hearth-small-f16"
    assert added.entry.sha256 == found.claimed_sha256
    assert not library.models_dir.exists() or list(library.models_dir.iterdir()) == []
    library.remove(added.entry.id)
    assert blob.exists()  # another app's file is never deleted
