from __future__ import annotations

import hashlib
import unicodedata

from extractor.ingest import ingest, sniff
from extractor.options import Options
from extractor.quality import cer
from tests.ingest_helpers import SAMPLES, FakeTesseract, install, pdf_pages, reference_page, tsv

TEXT_004 = SAMPLES / "text" / "004.txt"


def test_plain_text_one_page_per_form_feed(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("KẾ HOẠCH\nTriển khai\n\fTrang hai của kế hoạch tỉnh\n", encoding="utf-8")
    doc = ingest(path, Options())
    assert doc.mime == "text/plain"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.text == "KẾ HOẠCH\nTriển khai\n\fTrang hai của kế hoạch tỉnh"
    assert all(p.source == "text" and p.quality is not None for p in doc.pages)
    assert doc.pages[0].lines[0].bbox is None


def test_sample_text_004_is_good(tmp_path):
    doc = ingest(TEXT_004, Options())
    (page,) = doc.pages
    assert page.quality.verdict == "good" and page.quality.decision == "text_layer"
    assert doc.text == TEXT_004.read_text(encoding="utf-8").removesuffix("\n")


def test_garbled_text_is_marked_for_restoration():
    (page,) = ingest(SAMPLES / "text" / "004-garbled.txt", Options()).pages
    assert (page.quality.verdict, page.quality.decision) == ("garbage", "restore")


def test_nfd_text_becomes_nfc(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", "Kế hoạch triển khai"), encoding="utf-8")
    assert ingest(path, Options()).pages[0].lines[0].text == "Kế hoạch triển khai"


def test_sniffing_ignores_the_name(tmp_path):
    assert sniff(SAMPLES / "004-born-digital.pdf") == "pdf"
    assert sniff(SAMPLES / "004-page1.jpg") == "jpeg"
    assert sniff(SAMPLES / "004-pages1-2.tiff") == "tiff"
    fake = tmp_path / "scan.pdf"
    fake.write_bytes((SAMPLES / "004-page1.jpg").read_bytes())
    assert sniff(fake) == "jpeg"


def test_born_digital_pdf_uses_the_text_layer():
    doc = ingest(SAMPLES / "004-born-digital.pdf", Options(no_ocr=False))
    assert doc.mime == "application/pdf" and len(doc.pages) >= 5
    first = doc.pages[0]
    assert (first.source, first.unit, first.quality.decision) == ("text_layer", "pt", "text_layer")
    assert first.width == 595.28 or abs(first.width - 595.3) < 1
    texts = [line.text for line in first.lines]
    # the two header columns are separate lines
    assert texts[:2] == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert any(t.startswith("Số: 166") for t in texts) and "KẾ HOẠCH" in texts
    assert "I. MỤC ĐÍCH, YÊU CẦU" in doc.text and "Nơi nhận:" in doc.text
    for line in (ln for p in doc.pages for ln in p.lines):
        assert line.words and all(w.bbox is not None for w in line.words)
        assert line.text == unicodedata.normalize("NFC", line.text)


def test_table_row_continues_across_the_page_break():
    doc = ingest(SAMPLES / "000-table.pdf", Options())
    assert [p.source for p in doc.pages] == ["text_layer"] * len(doc.pages)
    assert "Chỉ huy Quân sự tỉnh; Sở" in doc.pages[0].text
    assert "Giáo dục và Đào tạo; Báo và" in doc.pages[1].text  # the same cell, next page
    assert "VIII" in doc.text and "Thời hạn" in doc.pages[0].text


def test_garbled_layer_is_detected_and_page_reocrd(tmp_path):
    one = pdf_pages(SAMPLES / "004-scan-garbled-layer.pdf", tmp_path / "g.pdf", [0])
    kept = ingest(one, Options(no_ocr=True))
    assert kept.pages[0].quality.verdict == "garbage" and kept.pages[0].source == "text_layer"
    doc = ingest(one, Options(jobs=1))
    (page,) = doc.pages
    assert (page.source, page.unit, page.quality.verdict, page.quality.decision) == (
        "ocr", "px", "garbage", "ocr")
    assert page.dpi == 200 and (page.width, page.height) == (1654, 2339)  # the scan's own pixels
    assert cer(reference_page("004", 0), page.text) < 0.02


def test_force_ocr_on_a_good_layer(monkeypatch, tmp_path):
    fake = install(monkeypatch, FakeTesseract(tsv("KẾ HOẠCH")))
    one = pdf_pages(SAMPLES / "004-born-digital.pdf", tmp_path / "b.pdf", [0])
    (page,) = ingest(one, Options(force_ocr=True, jobs=1)).pages
    assert page.source == "ocr" and page.quality.decision == "ocr" and page.text == "KẾ HOẠCH"
    assert len(fake.calls) == 1


def test_image_page_is_ocrd():
    doc = ingest(SAMPLES / "004-page1.jpg", Options(jobs=1))
    (page,) = doc.pages
    assert doc.mime == "image/jpeg" and page.source == "ocr" and page.dpi == 300
    assert "KẾ HOẠCH" in page.text and "Sơn La" in page.text
    assert page.quality.decision == "ocr" and page.quality.verdict == "good"


def test_multipage_tiff_in_parallel(monkeypatch):
    doc = ingest(SAMPLES / "004-pages1-2.tiff", Options(jobs=2))
    assert [p.number for p in doc.pages] == [1, 2] and doc.mime == "image/tiff"
    assert all(p.source == "ocr" for p in doc.pages)
    assert cer(reference_page("004", 1), doc.pages[1].text) < 0.03


def test_progress_bar_does_not_disturb(monkeypatch, tmp_path):
    install(monkeypatch, FakeTesseract(tsv("một"), tsv("hai")))
    doc = ingest(SAMPLES / "004-pages1-2.tiff", Options(jobs=1, progress=True))
    assert [p.text for p in doc.pages] == ["một", "hai"]


def _docx(path, body):
    import zipfile

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f'<w:document {ns}><w:body>{body}</w:body></w:document>')
    return path


def test_docx_paragraphs_and_page_breaks(tmp_path):
    para = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    body = (para.format("KẾ HOẠCH") + para.format("Triển khai thực hiện Chương trình")
            + '<w:p><w:r><w:br w:type="page"/></w:r></w:p>' + para.format("Nơi nhận:")
            + "<w:tbl><w:tr><w:tc>" + para.format("Sở Văn hóa, Thể thao và Du lịch")
            + "</w:tc></w:tr></w:tbl>")
    doc = ingest(_docx(tmp_path / "plan.docx", body), Options())
    assert doc.mime.endswith("wordprocessingml.document")
    assert doc.text == ("KẾ HOẠCH\nTriển khai thực hiện Chương trình\f"
                        "Nơi nhận:\nSở Văn hóa, Thể thao và Du lịch")
    assert doc.pages[0].quality.verdict == "good"


def test_broken_docx_is_corrupt(tmp_path):
    import pytest

    from extractor.errors import CorruptFileError

    with pytest.raises(CorruptFileError):
        ingest(_docx(tmp_path / "bad.docx", "<w:p>"), Options())


def _both_paths(name: str) -> list[tuple[list, list]]:
    import pdfplumber
    import pypdfium2 as pdfium

    from extractor import textlayer

    pdf = pdfium.PdfDocument(str(SAMPLES / name))
    with pdfplumber.open(SAMPLES / name) as plumber:
        pairs = [(textlayer.page_lines(pdf[i]), textlayer.plumber_lines(page))
                 for i, page in enumerate(plumber.pages)]
    pdf.close()
    return pairs


def test_issue4_pdfium_words_are_pdfplumbers():
    # The fast path must split words, lines and columns exactly as pdfplumber did.
    for name in ("000-table.pdf", "001-born-digital.pdf", "004-born-digital.pdf"):
        for fast, reference in _both_paths(name):
            assert [line.text for line in fast] == [line.text for line in reference], name
            for a, b in zip(fast, reference, strict=True):
                for wa, wb in zip(a.words, b.words, strict=True):
                    # pdfium's float32 advances drift by tenths of a point along a line, and
                    # its loose box of a stacked-mark glyph (ế) or a bold descender reaches
                    # ~1.5 pt further; tops are baseline less font size, pdfminer's sit lower
                    # by the font's descent (~0.22 em): all far below COLUMN_GAP.
                    assert abs(wa.bbox.x0 - wb.bbox.x0) < 2 and abs(wa.bbox.y0 - wb.bbox.y0) < 3.5
                    assert abs(wa.bbox.x1 - wb.bbox.x1) < 2 and abs(wa.bbox.y1 - wb.bbox.y1) < 2


def test_issue4_rotated_page_reads_through_pdfplumber(tmp_path):
    import pypdf

    reader = pypdf.PdfReader(SAMPLES / "001-born-digital.pdf")
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[0]).rotate(90)
    path = tmp_path / "rotated.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    import pdfplumber

    from extractor import textlayer

    (page,) = ingest(path, Options(no_ocr=True)).pages
    with pdfplumber.open(path) as plumber:
        reference = textlayer.plumber_lines(plumber.pages[0])
    # pdfium's boxes ignore /Rotate, pdfplumber's do not: such a page keeps pdfplumber's reading.
    assert page.source == "text_layer" and page.lines == reference


def test_pdfium_surrogate_pairs_join_and_lone_halves_are_replaced():
    from extractor.textlayer import _utf16

    # A lone surrogate cannot be written to JSON or the database.
    assert _utf16("\ud83d", 0xDE00) == "\U0001f600"
    assert _utf16("\ud83d") == "\ufffd"


def test_text_layer_reads_hold_the_pdfium_lock(monkeypatch):
    # The web app extracts in threads and pdfium is not thread-safe.
    import threading

    from extractor import textlayer
    from extractor.ocr import sources

    taken_elsewhere = []
    read = textlayer.page_lines

    def page_lines(page):
        probe = threading.Thread(target=lambda: taken_elsewhere.append(
            sources.PDFIUM_LOCK.acquire(blocking=False)))
        probe.start()
        probe.join()
        return read(page)

    monkeypatch.setattr(textlayer, "page_lines", page_lines)
    doc = ingest(SAMPLES / "001-born-digital.pdf", Options(no_ocr=True))
    assert len(doc.pages) == len(taken_elsewhere) and not any(taken_elsewhere)
