"""Downloads against a real HTTP server on 127.0.0.1 that behaves like the Hub, faults included."""

from __future__ import annotations

import errno
import io
import threading
from collections.abc import Callable

import pytest

from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled
from hearth.core.files.file_lock import FileLock, LockTimeout
from hearth.core.models.disk_space import MARGIN_BYTES, NotEnoughDiskSpace
from hearth.core.models.hub import download
from hearth.core.models.hub.client import HuggingFaceHub
from hearth.core.models.hub.download import Downloader, DownloadVerificationFailed
from hearth.core.models.hub.transfer_watch import DownloadStalled
from hearth.core.models.hub.types import DownloadError, HubFile
from hearth.core.models.progress import Phase, Progress
from tests.core.models.conftest import MIB, TEST_TIMEOUTS, sha256_of
from tests.hub_server import Faults, HubServer

REPO = "hearth-test/Big-GGUF"
NAME = "hearth-big-f16.gguf"
FILE = HubFile(REPO, NAME)
CHUNK = 10 * MIB  # huggingface_hub writes what it received in chunks of this size


@pytest.fixture
def served(hub: HubServer, big_bytes: bytes) -> Faults:
    return hub.add(REPO, NAME, big_bytes).faults


def cancel_after(token: CancelToken, at: int) -> Callable[[Progress], None]:
    """A progress callback that cancels once `at` bytes have arrived."""

    def report(progress: Progress) -> None:
        if progress.phase is Phase.DOWNLOAD and progress.done_bytes >= at:
            token.cancel()

    return report


# --- the happy path ---------------------------------------------------------------------------


def test_downloads_verifies_and_reports_progress(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    seen: list[Progress] = []

    done = downloader.download(FILE, progress=seen.append)

    assert done.path.read_bytes() == big_bytes
    assert done.remote.sha256 == sha256_of(big_bytes)
    assert done.remote.size == len(big_bytes)
    assert done.resumed_from == 0
    downloads = [p for p in seen if p.phase is Phase.DOWNLOAD]
    assert downloads[-1].done_bytes == len(big_bytes) == downloads[-1].total_bytes
    assert [p.done_bytes for p in downloads] == sorted(p.done_bytes for p in downloads)
    assert len(downloads) >= 2  # reported while arriving, not only at the end
    assert downloads[-1].eta_s == 0.0
    assert seen[-1].phase is Phase.VERIFY
    assert seen[-1].done_bytes == len(big_bytes)
    # One HEAD, one GET of the pinned commit; nothing about Xet from a plain HTTP server.
    assert [r.method for r in hub.requests] == ["HEAD", "GET"]
    assert "/resolve/main/" in hub.requests[0].path
    commit = hub.files[(REPO, NAME)].commit
    assert f"/resolve/{commit}/" in hub.requests[1].path
    assert not any("xet" in r.path.lower() for r in hub.requests)


def test_a_file_announced_as_xet_is_still_downloaded_over_plain_http(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    served.xet_headers = True  # hf_xet is installed; Hearth must not use it (see hub_client)

    done = downloader.download(FILE)

    assert done.path.read_bytes() == big_bytes
    assert [r.method for r in hub.requests] == ["HEAD", "GET"]
    assert not any("xet" in r.path for r in hub.requests)


def test_falls_back_to_paths_info_when_the_etag_is_not_a_sha256(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    served.sha256_etag = False

    done = downloader.download(FILE)

    assert done.remote.sha256 == sha256_of(big_bytes)
    assert any(r.method == "POST" and "/paths-info/" in r.path for r in hub.requests)


def test_a_server_that_ignores_range_still_gives_the_right_file(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    partial = downloader.partial_path(sha256_of(big_bytes))
    partial.parent.mkdir(parents=True)
    partial.write_bytes(big_bytes[:CHUNK])
    served.ignore_range = True

    done = downloader.download(FILE)

    assert done.path.read_bytes() == big_bytes
    assert hub.gets(NAME)[-1].range == f"bytes={CHUNK}-"
    assert hub.gets(NAME)[-1].status == 200


# --- cancel and resume ------------------------------------------------------------------------


def test_cancel_keeps_the_partial_file_and_the_next_download_resumes_it(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    token = CancelToken()
    with pytest.raises(Cancelled):
        downloader.download(FILE, progress=cancel_after(token, CHUNK + MIB), cancel=token)

    sha = sha256_of(big_bytes)
    kept = downloader.partial_path(sha).read_bytes()
    assert CHUNK <= len(kept) < len(big_bytes)
    assert big_bytes.startswith(kept)
    [paused] = downloader.paused()
    assert (paused.repo, paused.filename, paused.have) == (REPO, NAME, len(kept))

    seen: list[Progress] = []
    done = downloader.download(FILE, progress=seen.append)

    assert done.path.read_bytes() == big_bytes
    assert done.resumed_from == len(kept)
    assert seen[0].resumed_from == len(kept)
    assert hub.gets(NAME)[-1].range == f"bytes={len(kept)}-"
    assert hub.gets(NAME)[-1].status == 206
    assert downloader.paused() == []


def test_cancel_stops_a_slow_download_while_it_is_still_arriving(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    gate = threading.Semaphore(0)
    served.gate = gate  # the server sends one 64 KiB piece per permit: a very slow server
    token = CancelToken()
    arrived: list[int] = []

    def report(progress: Progress) -> None:
        arrived.append(progress.done_bytes)
        if progress.done_bytes >= 256 * 1024:
            token.cancel()
        else:
            gate.release()

    with pytest.raises(Cancelled):
        downloader.download(FILE, progress=report, cancel=token)

    # Cancelled within a few network reads of asking, long before the file could be complete.
    assert max(arrived) < MIB
    assert len(hub.gets(NAME)) == 1


def test_a_dropped_connection_resumes_with_a_range_request(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    served.drop_after = CHUNK + 3 * MIB

    done = downloader.download(FILE)

    assert done.path.read_bytes() == big_bytes
    gets = hub.gets(NAME)
    assert len(gets) == 2
    assert gets[1].range == f"bytes={CHUNK}-"  # what had been written before the drop


def test_a_stall_is_retried_and_the_download_completes(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    served.stall_after = CHUNK + MIB  # one attempt stops sending; the retry gets the rest

    done = downloader.download(FILE)

    assert done.path.read_bytes() == big_bytes
    assert hub.gets(NAME)[-1].range == f"bytes={CHUNK}-"


def test_a_server_that_stops_sending_pauses_the_download_with_a_clear_message(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    served.stall_after = CHUNK + MIB
    served.stalls = 100  # every attempt stops at the same place

    with pytest.raises(DownloadStalled, match="run the download again to resume") as caught:
        downloader.download(FILE)

    assert "no data for 0.5 s" in caught.value.message
    assert len(hub.gets(NAME)) == 2  # TEST_TIMEOUTS allow one retry without progress
    kept = downloader.partial_path(sha256_of(big_bytes)).read_bytes()
    assert len(kept) == CHUNK
    assert big_bytes.startswith(kept)
    assert [d.have for d in downloader.paused()] == [CHUNK]

    served.stalls = 0  # the server recovers: the next download resumes and verifies
    done = downloader.download(FILE)

    assert done.resumed_from == CHUNK
    assert sha256_of(done.path.read_bytes()) == sha256_of(big_bytes)


# --- files that are not what the Hub says -----------------------------------------------------


def test_a_different_file_than_the_hash_says_is_deleted_and_never_returned(
    downloader: Downloader, served: Faults, big_bytes: bytes
) -> None:
    served.wrong_content = bytes(reversed(big_bytes))

    with pytest.raises(DownloadVerificationFailed, match="does not match the SHA-256") as caught:
        downloader.download(FILE)

    assert caught.value.exit_code == 3
    assert "nothing was added" in caught.value.message
    assert list(downloader.folder.glob("*.partial")) == []
    assert downloader.paused() == []


def test_a_damaged_partial_file_is_downloaded_again_from_scratch(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    partial = downloader.partial_path(sha256_of(big_bytes))
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"\0" * CHUNK)  # the right length, the wrong bytes

    done = downloader.download(FILE)

    assert done.path.read_bytes() == big_bytes
    assert [r.range for r in hub.gets(NAME)] == [f"bytes={CHUNK}-", None]


def test_a_partial_file_longer_than_the_file_is_discarded(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    partial = downloader.partial_path(sha256_of(big_bytes))
    partial.parent.mkdir(parents=True)
    partial.write_bytes(big_bytes + b"extra")

    done = downloader.download(FILE)

    assert done.path.read_bytes() == big_bytes
    assert hub.gets(NAME)[-1].range is None


def test_a_catalog_hash_that_differs_from_the_hub_stops_before_downloading(
    downloader: Downloader, served: Faults, hub: HubServer
) -> None:
    with pytest.raises(DownloadVerificationFailed, match="catalog"):
        downloader.download(FILE, expected_sha256="0" * 64)

    assert hub.gets() == []


# --- the server says no -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "needle"),
    [
        (HubFile("nobody/Nothing-GGUF", NAME), "no model repository 'nobody/Nothing-GGUF'"),
        (HubFile(REPO, "missing.gguf"), "has no file 'missing.gguf'"),
        (HubFile(REPO, NAME, revision="v9"), "has no revision 'v9'"),
    ],
    ids=["repo", "file", "revision"],
)
def test_not_found_says_what_was_not_found(
    downloader: Downloader, served: Faults, file: HubFile, needle: str
) -> None:
    with pytest.raises(DownloadError, match=needle):
        downloader.download(file)

    assert not downloader.folder.exists() or list(downloader.folder.iterdir()) == []


def test_a_plain_404_without_the_hubs_error_code(downloader: Downloader, served: Faults) -> None:
    served.status = 404

    with pytest.raises(DownloadError, match="404"):
        downloader.download(FILE)


def test_a_server_error_on_head_is_reported_as_temporary(
    downloader: Downloader, served: Faults, hub: HubServer
) -> None:
    served.status = 500

    with pytest.raises(DownloadError, match=r"answered with an error \(500\).*try again later"):
        downloader.download(FILE)

    assert hub.gets() == []


def test_a_server_error_on_get_keeps_nothing_and_says_so(
    downloader: Downloader, served: Faults, big_bytes: bytes
) -> None:
    served.get_status = 500

    with pytest.raises(DownloadError, match="500"):
        downloader.download(FILE)

    assert not downloader.partial_path(sha256_of(big_bytes)).exists()
    assert downloader.paused() == []


def test_a_server_that_never_answers_times_out(downloader: Downloader, served: Faults) -> None:
    served.head_stall = True

    with pytest.raises(DownloadError, match="did not answer in time"):
        downloader.download(FILE)


def test_nobody_listening_is_a_clear_error(downloader: Downloader) -> None:
    gone = HubServer()
    gone.close()
    nowhere = Downloader(
        downloader.folder, HuggingFaceHub(gone.endpoint, token=False), timeouts=TEST_TIMEOUTS
    )

    with pytest.raises(DownloadError, match=f"Could not reach {gone.endpoint}"):
        nowhere.download(FILE)


def test_an_endpoint_that_is_not_the_hub_is_named(
    downloader: Downloader, hub: HubServer, served: Faults
) -> None:
    hub.files[(REPO, NAME)].commit = ""  # no X-Repo-Commit: not a Hub

    with pytest.raises(DownloadError, match="did not answer like the Hugging Face Hub"):
        downloader.download(FILE)


# --- the local disk ---------------------------------------------------------------------------


def test_not_enough_free_space_is_found_before_downloading(
    downloader: Downloader, served: Faults, hub: HubServer, big_bytes: bytes
) -> None:
    free = len(big_bytes) + MARGIN_BYTES - 1
    small_disk = Downloader(
        downloader.folder, downloader.hub, timeouts=TEST_TIMEOUTS, disk_free=lambda _: free
    )

    with pytest.raises(NotEnoughDiskSpace, match="Not enough disk space") as caught:
        small_disk.download(FILE)

    assert "Free some space" in caught.value.message
    assert hub.gets() == []


def test_the_free_space_check_counts_what_is_already_downloaded(
    downloader: Downloader, served: Faults, big_bytes: bytes
) -> None:
    partial = downloader.partial_path(sha256_of(big_bytes))
    partial.parent.mkdir(parents=True)
    partial.write_bytes(big_bytes[:CHUNK])
    just_enough = len(big_bytes) - CHUNK + MARGIN_BYTES
    resumed = Downloader(
        downloader.folder, downloader.hub, timeouts=TEST_TIMEOUTS, disk_free=lambda _: just_enough
    )

    assert resumed.download(FILE).path.read_bytes() == big_bytes


class DiskFillsUp(io.FileIO):
    """A file on a disk that is full once it holds `room` bytes."""

    room = CHUNK

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_a_full_disk_while_writing_keeps_the_part_and_says_to_free_space(
    downloader: Downloader, served: Faults, big_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module's `open` is where the partial file is opened: give it a disk that fills up.
    monkeypatch.setattr(download, "open", DiskFillsUp, raising=False)

    with pytest.raises(NotEnoughDiskSpace, match="disk filled up") as caught:
        downloader.download(FILE)

    assert "resumes where it stopped" in caught.value.message
    kept = downloader.partial_path(sha256_of(big_bytes)).read_bytes()
    assert len(kept) == CHUNK
    assert big_bytes.startswith(kept)

    monkeypatch.undo()
    done = downloader.download(FILE)

    assert done.resumed_from == CHUNK
    assert done.path.read_bytes() == big_bytes


def test_a_second_download_of_the_same_file_is_refused_while_one_runs(
    downloader: Downloader, served: Faults, big_bytes: bytes
) -> None:
    lock = downloader.folder / f"{sha256_of(big_bytes)}.lock"
    with (
        FileLock(lock, busy="held by the test", timeout=0),
        pytest.raises(LockTimeout, match="already being downloaded"),
    ):
        downloader.download(FILE)
