"""Find GGUF models other apps already downloaded, to use them in place without copying.

Where each app keeps them (defaults; an app may have been told to use another folder):
- Hugging Face cache: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`;
  `models--{org}--{name}/snapshots/{commit}/{file}` links to `blobs/{sha256}`;
- LM Studio: `~/.lmstudio/models/{publisher}/{repo}/{file}` (and the older
  `~/.cache/lm-studio/models`);
- GPT4All: `nomic.ai/GPT4All/` in the platform's data folder, or the `modelPath` set in
  `~/.config/nomic.ai/GPT4All.ini` (Linux);
- Jan: `~/jan/models/{id}/` (before 0.5) and `Jan/data/models` or `Jan/data/llamacpp/models`
  in the platform's data folder (since);
- Ollama: `$OLLAMA_MODELS`, else `~/.ollama/models`: `manifests/{registry}/{namespace}/
  {model}/{tag}` is JSON whose layer of media type `application/vnd.ollama.image.model` names a
  blob `blobs/sha256-{hex}`, which is a GGUF file.

Discovery only lists files (stat and the 4-byte magic); registering one validates and hashes
it like any import. The home folder and environment are parameters so tests can use fake homes.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from hearth.core.models.entry import Source

_MAX_DEPTH: Final = 6
_MAX_FILES: Final = 5000  # per root: enough for any real collection, bounded for a stray "/"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_OLLAMA_MODEL_LAYER: Final = "application/vnd.ollama.image.model"
_OLLAMA_REGISTRY: Final = "registry.ollama.ai"


@dataclass(frozen=True)
class Found:
    source: Source
    name: str  # what the other app calls it
    path: Path
    size: int
    repo: str | None = None  # Hugging Face repo id, when the layout says
    claimed_sha256: str | None = None  # what the app's layout says the hash is (not checked)

    @property
    def id_hint(self) -> str:
        """What to base a store id on: the file's name, or Ollama's name for its blob."""
        return self.name if self.source is Source.OLLAMA else self.path.name

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.value,
            "name": self.name,
            "path": str(self.path),
            "size": self.size,
            "repo": self.repo,
            "claimed_sha256": self.claimed_sha256,
        }


class ModelDiscovery:
    def __init__(
        self,
        home: Path,
        *,
        environ: Mapping[str, str] | None = None,
        platform: str = sys.platform,
    ) -> None:
        self._home = home
        self._env: Mapping[str, str] = {} if environ is None else environ
        self._platform = platform

    def roots(self) -> list[tuple[Source, Path]]:
        """Where discovery looks, in order."""
        home, env = self._home, self._env
        roots: list[tuple[Source, Path]] = [(Source.HUGGINGFACE_CACHE, self._hf_cache())]
        roots += [
            (Source.LM_STUDIO, home / ".lmstudio" / "models"),
            (Source.LM_STUDIO, home / ".cache" / "lm-studio" / "models"),
        ]
        roots += [(Source.GPT4ALL, path) for path in self._gpt4all()]
        roots += [(Source.JAN, home / "jan" / "models")]
        jan = self._data_dir(roaming=True) / "Jan" / "data"
        roots += [(Source.JAN, jan / "models"), (Source.JAN, jan / "llamacpp" / "models")]
        if self._platform.startswith("linux"):
            roots += [(Source.JAN, home / ".config" / "Jan" / "data" / "models")]
        ollama = env.get("OLLAMA_MODELS", "").strip()
        roots += [(Source.OLLAMA, Path(ollama) if ollama else home / ".ollama" / "models")]
        return roots

    def find(self) -> list[Found]:
        """Every GGUF model found, once each (by real path), in the order of `roots`."""
        found: list[Found] = []
        seen: set[str] = set()
        for source, root in self.roots():
            if not root.is_dir():
                continue
            items = _ollama(root) if source is Source.OLLAMA else _files(source, root)
            for item in items:
                real = os.path.realpath(item.path)
                if real not in seen:
                    seen.add(real)
                    found.append(item)
        return found

    # --- where ---------------------------------------------------------------------------------

    def _hf_cache(self) -> Path:
        env = self._env
        if env.get("HF_HUB_CACHE", "").strip():
            return Path(env["HF_HUB_CACHE"]).expanduser()
        if env.get("HF_HOME", "").strip():
            return Path(env["HF_HOME"]).expanduser() / "hub"
        cache = env.get("XDG_CACHE_HOME", "").strip()
        return (Path(cache) if cache else self._home / ".cache") / "huggingface" / "hub"

    def _data_dir(self, *, roaming: bool = False) -> Path:
        home, env = self._home, self._env
        if self._platform == "darwin":
            return home / "Library" / "Application Support"
        if self._platform == "win32":
            name = "APPDATA" if roaming else "LOCALAPPDATA"
            default = home / "AppData" / ("Roaming" if roaming else "Local")
            return Path(env[name]) if env.get(name, "").strip() else default
        xdg = env.get("XDG_DATA_HOME", "").strip()
        return Path(xdg) if xdg else home / ".local" / "share"

    def _gpt4all(self) -> list[Path]:
        paths = [self._data_dir() / "nomic.ai" / "GPT4All"]
        if self._platform.startswith("linux"):
            configured = _gpt4all_model_path(self._home / ".config" / "nomic.ai" / "GPT4All.ini")
            if configured is not None and configured not in paths:
                paths.insert(0, configured)
        return paths


def _gpt4all_model_path(ini: Path) -> Path | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    for section in parser.sections():
        value = parser.get(section, "modelPath", fallback="").strip()
        if value:
            return Path(value).expanduser()
    return None


# --- plain folders of .gguf files ------------------------------------------------------------


def _files(source: Source, root: Path) -> Iterator[Found]:
    for count, path in enumerate(_walk_gguf(root)):
        if count >= _MAX_FILES:
            return
        size = _gguf_size(path)
        if size is None:
            continue
        repo = _hf_repo(root, path) if source is Source.HUGGINGFACE_CACHE else None
        name = f"{repo}/{path.name}" if repo else _relative_name(root, path)
        claimed = None
        if source is Source.HUGGINGFACE_CACHE:
            blob = os.path.basename(os.path.realpath(path))
            claimed = blob if _SHA256.match(blob) else None
        yield Found(source, name, path, size, repo, claimed)


def _walk_gguf(root: Path) -> Iterator[Path]:
    base_depth = len(root.parts)
    for folder, dirs, files in os.walk(root, followlinks=False):
        depth = len(Path(folder).parts) - base_depth
        dirs[:] = [d for d in sorted(dirs) if not d.startswith(".") and depth < _MAX_DEPTH]
        for name in sorted(files):
            lower = name.lower()
            # Vision projectors are GGUF too, but not something one chats with.
            if lower.endswith(".gguf") and "mmproj" not in lower:
                yield Path(folder) / name


def _gguf_size(path: Path) -> int | None:
    """The size of a regular GGUF file at `path` (links followed), or None."""
    try:
        status = os.stat(path)
        if not os.path.isfile(path) or status.st_size < 4:
            return None
        with open(path, "rb") as file:
            return status.st_size if file.read(4) == b"GGUF" else None
    except (OSError, ValueError):
        return None  # a broken or looping link, a file we may not read


def _hf_repo(root: Path, path: Path) -> str | None:
    try:
        top = path.relative_to(root).parts[0]
    except (ValueError, IndexError):
        return None
    if not top.startswith("models--"):
        return None
    return top[len("models--") :].replace("--", "/", 1)


def _relative_name(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root).as_posix())
    except ValueError:
        return path.name


# --- Ollama ----------------------------------------------------------------------------------


def _ollama(root: Path) -> Iterator[Found]:
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for count, manifest in enumerate(_walk_files(manifests)):
        if count >= _MAX_FILES:
            return
        digest = _ollama_model_digest(manifest)
        if digest is None:
            continue
        blob = root / "blobs" / digest.replace(":", "-")
        size = _gguf_size(blob)
        if size is None:
            continue
        claimed = digest.split(":", 1)[1] if digest.startswith("sha256:") else None
        yield Found(Source.OLLAMA, _ollama_name(manifests, manifest), blob, size, None, claimed)


def _walk_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _ollama_model_digest(manifest: Path) -> str | None:
    try:
        if manifest.stat().st_size > 1024 * 1024:
            return None  # a manifest is a few hundred bytes
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    layers = data.get("layers") if isinstance(data, dict) else None
    for layer in layers if isinstance(layers, list) else []:
        if isinstance(layer, dict) and layer.get("mediaType") == _OLLAMA_MODEL_LAYER:
            digest = layer.get("digest")
            if isinstance(digest, str) and re.match(r"^sha256[:-][0-9a-f]{64}$", digest):
                return digest.replace("-", ":", 1)
    return None


def _ollama_name(manifests: Path, manifest: Path) -> str:
    parts = manifest.relative_to(manifests).parts  # registry / namespace / model / tag
    if len(parts) < 3:
        return "/".join(parts)
    *prefix, model, tag = parts
    if prefix == [_OLLAMA_REGISTRY, "library"]:
        return f"{model}:{tag}"
    if prefix[:1] == [_OLLAMA_REGISTRY]:
        return "/".join([*prefix[1:], model]) + f":{tag}"
    return "/".join([*prefix, model]) + f":{tag}"
