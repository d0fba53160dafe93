"""Originals: stored once under ``originals/<sha[:2]>/<sha[2:]>``, read-only, named by hash.

No name a user gave ever reaches the filesystem: uploads are streamed into a temporary file
in the data dir, sniffed by their first bytes, hashed, then moved into place.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from extractor.errors import UploadRejectedError

MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"II*\x00", "image/tiff", ".tif"),
    (b"MM\x00*", "image/tiff", ".tif"),
)
SUFFIX = {mime: suffix for _magic, mime, suffix in MAGIC} | {"text/plain": ".txt"}


def sniff(head: bytes) -> str | None:
    """The MIME type of a file from its first bytes, None when not one we accept."""
    # Some scanners write a few bytes of junk before %PDF-; readers accept it within 1 KiB.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    return next((mime for magic, mime, _ in MAGIC if head.startswith(magic)), None)


def _plain_text(head: bytes) -> str | None:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the 1 KiB edge is fine
        if exc.start < len(head) - 3:
            return None
    return "text/plain" if b"\x00" not in head else None


def original_path(originals_dir: Path, sha256: str) -> Path:
    """Where the original with this hash lives (the hash is checked to be hex)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return originals_dir / sha256[:2] / sha256[2:]


def save_original(originals_dir: Path, chunks: Iterable[bytes], max_bytes: int,
                  allow_text: bool = False) -> tuple[str, str, int]:
    """Stream ``chunks`` into the store; returns (sha256, mime, size). Stored once, mode 0444.

    ``allow_text`` admits UTF-8 plain text (the CLI's own inputs); web uploads keep to scans.
    """
    originals_dir.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=originals_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRejectedError(
                        f"tệp lớn hơn giới hạn {max_bytes // (1024 * 1024)} MB")
                if len(head) < 1024:
                    head += chunk[: 1024 - len(head)]
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if size == 0:
            raise UploadRejectedError("tệp rỗng")
        mime = sniff(head) or (_plain_text(head) if allow_text else None)
        if mime is None:
            raise UploadRejectedError("chỉ nhận tệp PDF hoặc ảnh (PNG, JPEG, TIFF)")
        sha = digest.hexdigest()
        final = original_path(originals_dir, sha)
        if not final.exists():
            final.parent.mkdir(exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, final)
        return sha, mime, size
    finally:
        Path(tmp).unlink(missing_ok=True)


def read_chunks(path: Path, size: int = 1 << 20) -> Iterable[bytes]:
    """A file's bytes in chunks (for :func:`save_original` from a local path)."""
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk
