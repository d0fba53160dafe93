"""Helpers for the ingest/OCR tests: bad files made on the spot, a fake engine, references."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pypdf

from extractor import textlayer
from extractor.ocr import exec as engine
from extractor.ocr import probe

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def reference_page(sid: str, index: int) -> str:
    """The clean text of one page: the born-digital PDF's text layer."""
    name = "000-table.pdf" if sid == "000" else f"{sid}-born-digital.pdf"
    with pdfplumber.open(SAMPLES / name) as pdf:
        return "\n".join(line.text for line in textlayer.plumber_lines(pdf.pages[index]))


def pdf_pages(source: Path, out: Path, pages: Sequence[int], password: str | None = None) -> Path:
    """A new PDF holding some pages of ``source`` (optionally AES-encrypted)."""
    reader = pypdf.PdfReader(source)
    writer = pypdf.PdfWriter()
    for index in pages:
        writer.add_page(reader.pages[index])
    if password:
        writer.encrypt(password, algorithm="AES-256")
    with out.open("wb") as handle:
        writer.write(handle)
    return out


def zero_page_pdf(out: Path) -> Path:
    buf = io.BytesIO()
    pypdf.PdfWriter().write(buf)
    out.write_bytes(buf.getvalue())
    return out


def png_header_bomb(out: Path, width: int = 30_000, height: int = 30_000) -> Path:
    """A tiny PNG whose header claims ``width``×``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    out.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return out


TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def tsv(*lines: str) -> bytes:
    """Recorded-style tesseract TSV: one line per string, words 50 px apart, conf 95."""
    rows = [TSV_HEADER, "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n"]
    for n, text in enumerate(lines, start=1):
        for k, word in enumerate(text.split(), start=1):
            rows.append(f"5\t1\t1\t1\t{n}\t{k}\t{100 + 50 * k}\t{100 * n}\t45\t30\t95.5\t{word}\n")
    return "".join(rows).encode("utf-8")


class FakeTesseract:
    """Stands in for :func:`extractor.ocr.exec._subprocess_run` (fault injection at the seam).

    ``pages`` lists what each OCR call does, in order: bytes (TSV on stdout), an int
    (exit code), "timeout", or "missing" (binary not found).
    """

    def __init__(self, *pages: object, langs: str = "eng\nosd\nvie\nVietnamese"):
        self.pages = list(pages)
        self.langs = langs
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str], timeout: float, env: dict[str, str]) -> engine.Completed:
        argv = list(argv)
        if "--version" in argv:
            return engine.Completed(tuple(argv), 0, b"tesseract 5.3.0\n", b"")
        if "--list-langs" in argv:
            return engine.Completed(tuple(argv), 0, f"List of available languages (3):\n{self.langs}\n"
                                    .encode(), b"")
        self.calls.append(argv)
        what = self.pages.pop(0) if self.pages else tsv("trống")
        if what == "timeout":
            raise subprocess.TimeoutExpired(argv, timeout)
        if what == "missing":
            raise FileNotFoundError(argv[0])
        if isinstance(what, int):
            return engine.Completed(tuple(argv), what, b"", b"Error: page image could not be read\n")
        assert isinstance(what, bytes)
        return engine.Completed(tuple(argv), 0, what, b"")


def install(monkeypatch, fake: FakeTesseract) -> FakeTesseract:
    monkeypatch.setattr(engine, "runner", fake)
    probe.check.cache_clear()
    return fake
