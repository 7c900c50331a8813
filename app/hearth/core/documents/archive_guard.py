"""A zip checked before anything unpacks it: entry count, the sizes it declares, and the sizes
it actually unpacks to, each bounded, so a zip bomb dressed as a .docx costs nothing."""

from __future__ import annotations

import io
import zipfile
import zlib

from hearth.core.cancel import CancelToken
from hearth.core.documents.errors import DamagedDocument, UnsafeArchive
from hearth.core.documents.limits import ReadLimits, describe_bytes

_CHUNK = 1 << 16


def check_archive(
    data: bytes, name: str, limits: ReadLimits, cancel: CancelToken | None = None
) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_archive_entries:
                raise _bomb(name, f"{len(entries):,} entries", limits)
            declared = sum(entry.file_size for entry in entries)
            if declared > limits.max_unpacked_bytes:
                raise _bomb(name, describe_bytes(declared), limits)
            # The declared sizes can lie: unpack for real, counting, and stop at the limit.
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limits.max_unpacked_bytes:
                            raise _bomb(name, "more", limits)
                        if cancel is not None:
                            cancel.raise_if_cancelled()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        # zipfile stops at an entry's declared size and then fails its checksum: a lying
        # entry ends here too.
        raise DamagedDocument(
            f"{name} is damaged or cut short ({exc}). Save it again from Word, or export it as PDF."
        ) from None


def _bomb(name: str, size: str, limits: ReadLimits) -> UnsafeArchive:
    return UnsafeArchive(
        f"{name} would unpack to {size}, over Hearth's limit of "
        f"{describe_bytes(limits.max_unpacked_bytes)} ({limits.max_archive_entries:,} entries) "
        "for a "
        "Word document; it looks like a zip bomb, so it was not opened. If it is a real "
        "document, save it as PDF."
    )
