"""Issue 2, item 6: each bad input is one named error (or a failed page), never a lost batch."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    ExitCode,
    ImageTooLargeError,
    InputFileError,
    UnsupportedTypeError,
)
from extractor.ingest import ingest
from extractor.options import Options
from tests.ingest_helpers import (
    SAMPLES,
    FakeTesseract,
    install,
    pdf_pages,
    png_header_bomb,
    tsv,
    zero_page_pdf,
)


def test_zero_bytes(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError) as err:
        ingest(empty, Options())
    assert err.value.exit_code == ExitCode.INPUT and "0 bytes" in err.value.one_line()


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        ingest(tmp_path / "nope.pdf", Options())


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.95])
def test_truncated_pdf(tmp_path, fraction):
    data = (SAMPLES / "004-born-digital.pdf").read_bytes()
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(CorruptFileError) as err:
        ingest(bad, Options())
    assert err.value.exit_code == ExitCode.INPUT


def test_garbage_after_pdf_magic(tmp_path):
    bad = tmp_path / "junk.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(CorruptFileError):
        ingest(bad, Options())


def test_encrypted_pdf_needs_the_password(tmp_path):
    locked = pdf_pages(SAMPLES / "004-born-digital.pdf", tmp_path / "locked.pdf", [0], password="bí mật")
    with pytest.raises(EncryptedPdfError, match="--password") as err:
        ingest(locked, Options())
    assert err.value.exit_code == ExitCode.ENCRYPTED
    with pytest.raises(EncryptedPdfError, match="wrong"):
        ingest(locked, Options(password="sai"))
    doc = ingest(locked, Options(password="bí mật"))
    assert doc.pages[0].source == "text_layer" and "KẾ HOẠCH" in doc.text


def test_zero_page_pdf(tmp_path):
    with pytest.raises(EmptyFileError, match="no pages"):
        ingest(zero_page_pdf(tmp_path / "zero.pdf"), Options())


def test_text_renamed_pdf_is_read_as_text(tmp_path):
    renamed = tmp_path / "ke-hoach.pdf"
    renamed.write_text("KẾ HOẠCH\nTriển khai thực hiện Chương trình", encoding="utf-8")
    doc = ingest(renamed, Options())
    assert doc.mime == "text/plain" and doc.pages[0].lines[1].text.startswith("Triển khai")
    assert [i.kind for i in doc.issues] == ["wrong_extension"] and doc.status.value == "success"


def test_binary_renamed_pdf_is_unsupported(tmp_path):
    renamed = tmp_path / "archive.pdf"
    renamed.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(UnsupportedTypeError, match="zip"):
        ingest(renamed, Options())
    blob = tmp_path / "blob.pdf"
    blob.write_bytes(bytes([0, 159, 146, 150]) * 100)
    with pytest.raises(UnsupportedTypeError):
        ingest(blob, Options())


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    bomb = png_header_bomb(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 200
    started = time.monotonic()
    with pytest.raises(ImageTooLargeError) as err:
        ingest(bomb, Options())
    assert time.monotonic() - started < 2
    assert err.value.exit_code == ExitCode.TOO_LARGE and "900,000,000 pixels" in err.value.message


def test_image_over_a_lower_limit(tmp_path):
    with pytest.raises(ImageTooLargeError):
        ingest(png_header_bomb(tmp_path / "big.png", 5000, 5000), Options(max_pixels=10_000_000))


def test_corrupt_png(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(CorruptFileError):
        ingest(bad, Options())


@pytest.mark.parametrize(("fault", "code"), [("timeout", "E202"), (1, "E201")])
def test_failed_page_is_an_issue_not_a_lost_document(monkeypatch, fault, code):
    install(monkeypatch, FakeTesseract(tsv("Trang một của kế hoạch"), fault))
    doc = ingest(SAMPLES / "004-pages1-2.tiff", Options(jobs=1))
    assert [p.source for p in doc.pages] == ["ocr", "failed"]
    (issue,) = doc.pages[1].issues
    assert (issue.kind, issue.page, issue.severity) == (code, 2, "error")
    assert doc.status.value == "partial" and doc.pages[0].text == "Trang một của kế hoạch"


def test_missing_vie_data_stops_with_install_hint(monkeypatch):
    from extractor.errors import EngineMissingError

    install(monkeypatch, FakeTesseract(langs="eng\nosd"))
    with pytest.raises(EngineMissingError, match="apt-get install tesseract-ocr-script-viet") as err:
        ingest(SAMPLES / "004-page1.jpg", Options(jobs=1))
    assert err.value.exit_code == ExitCode.ENGINE
    with pytest.raises(EngineMissingError, match="apt-get install tesseract-ocr-vie"):
        ingest(SAMPLES / "004-page1.jpg", Options(jobs=1, lang="vie"))


def test_cli_batch_goes_on_after_bad_files(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    bomb = png_header_bomb(tmp_path / "bomb.png")
    good = tmp_path / "good.txt"
    good.write_text("Kế hoạch số 166\fTrang hai", encoding="utf-8")
    result = CliRunner().invoke(main, ["ocr", "--no-restore", str(empty), str(bomb), str(good)])
    assert result.exit_code == ExitCode.TOO_LARGE
    errors = [line for line in result.stderr.splitlines() if line.startswith("kehoach:")]
    assert len(errors) == 2
    assert str(empty) in errors[0] and "[E101]" in errors[0]
    assert str(bomb) in errors[1] and "[E105]" in errors[1]
    assert result.stdout == "Kế hoạch số 166\fTrang hai\n"


def test_cli_failed_page_names_file_and_page(monkeypatch):
    install(monkeypatch, FakeTesseract(tsv("Trang một"), "timeout"))
    result = CliRunner().invoke(main, ["ocr", "--no-restore", "-j", "1", str(SAMPLES / "004-pages1-2.tiff")])
    assert result.exit_code == ExitCode.PARTIAL
    assert "(page 2): [E202]" in result.stderr
    assert result.stdout.startswith("Trang một\f")
