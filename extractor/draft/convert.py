"""LibreOffice headless .docx → PDF: the only module of the draft stage that runs a process.

argv list (no shell), stdin closed, a timeout, stderr logged, and a throw-away profile
directory per call: soffice refuses to start (or silently hands the job to a running
instance) when two conversions share the default profile.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from extractor.errors import ConversionError

log = logging.getLogger(__name__)
BINARIES = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    """Path of the LibreOffice binary, or None when it is not installed."""
    for name in BINARIES:
        if found := shutil.which(name):
            return found
    return None


def docx_to_pdf(docx: Path, out_dir: Path, timeout: float = 180.0) -> Path:
    """Convert ``docx`` to ``out_dir/<stem>.pdf`` and return its path."""
    binary = find_soffice()
    if binary is None:
        raise ConversionError(
            "Không tìm thấy LibreOffice (soffice). Cài: apt-get install -y "
            "--no-install-recommends libreoffice-writer-nogui"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as profile:
        argv = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            str(docx),
        ]
        try:
            proc = subprocess.run(
                argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(
                f"LibreOffice chạy quá {timeout:.0f} giây khi chuyển {docx.name} sang PDF.", path=str(docx)
            ) from exc
    if proc.stderr:
        log.debug("soffice stderr: %s", proc.stderr.decode("utf-8", "replace").strip())
    pdf = out_dir / f"{Path(docx).stem}.pdf"
    if proc.returncode != 0 or not pdf.is_file():
        raise ConversionError(
            f"LibreOffice không chuyển được {docx.name} sang PDF (mã {proc.returncode}): "
            f"{proc.stderr.decode('utf-8', 'replace').strip()[:300]}",
            path=str(docx),
        )
    return pdf
