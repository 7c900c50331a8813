"""The library jobs the model manager and the welcome dialog both hand to the library worker.

Each returns a `Work` for `LibraryWorker.submit`: it runs on the worker's thread, reports
progress and honours the cancel token. A cancelled download keeps its part; the next one
resumes it.
"""

from __future__ import annotations

from pathlib import Path

from hearth.core.models.catalog import CatalogEntry
from hearth.core.models.discovery import Found, ModelDiscovery
from hearth.core.models.hub_downloader import hub_downloader
from hearth.gui.library_worker import Work


def import_work(path: Path) -> Work:
    return lambda lib, report, cancel: lib.import_file(path, progress=report, cancel=cancel)


def download_work(entry: CatalogEntry) -> Work:
    return lambda lib, report, cancel: lib.pull_catalog(
        hub_downloader(lib), entry, progress=report, cancel=cancel
    )


def discover_work(discovery: ModelDiscovery) -> Work:
    return lambda lib, report, cancel: discovery.find()


def use_found_work(found: Found) -> Work:
    return lambda lib, report, cancel: lib.register_in_place(
        found.path, found.source, name=found.name, progress=report, cancel=cancel
    )
