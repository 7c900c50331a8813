"""The Downloader for the Hub that `HF_ENDPOINT` names (or the real one), for any front end."""

from __future__ import annotations

import logging
import os

from hearth.core.models.hub.download import Downloader
from hearth.core.models.library import ModelLibrary


def hub_downloader(library: ModelLibrary) -> Downloader:
    # Imported here: huggingface_hub takes a while to import and only downloads need it.
    from hearth.core.models.hub.client import HuggingFaceHub

    # Hearth reports progress and retries itself; the library's own warnings would interleave.
    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
    return Downloader(library.downloads_dir, HuggingFaceHub(os.environ.get("HF_ENDPOINT") or None))
