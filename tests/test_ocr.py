from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extractor.errors import EngineFailedError, EngineMissingError, EngineTimeoutError
from extractor.ingest import ingest
from extractor.ocr import exec as engine
from extractor.ocr import preprocess, probe, tesseract
from extractor.ocr.sources import PdfSource
from extractor.options import Options
from extractor.quality import cer
from tests.ingest_helpers import SAMPLES, FakeTesseract, install, reference_page, tsv


def test_args_use_sauvola_language_and_tsv():
    argv = tesseract.build_args(Path("/tmp/p.pnm"), 300, tesseract.OcrConfig(lang="vie"))
    assert argv[0] == "tesseract" and argv[-1] == "tsv"
    assert ["-l", "vie"] == argv[argv.index("-l"):argv.index("-l") + 2]
    assert "thresholding_method=2" in argv and "300" in argv


def test_parse_tsv_groups_words_into_lines_with_boxes():
    lines = tesseract.parse_tsv(tsv("KẾ HOẠCH", "Triển khai Chương trình").decode())
    assert [line.text for line in lines] == ["KẾ HOẠCH", "Triển khai Chương trình"]
    word = lines[1].words[0]
    assert word.bbox is not None
    assert (word.bbox.x0, word.bbox.y0, word.bbox.x1, word.bbox.y1) == (150, 200, 195, 230)
    assert word.conf == pytest.approx(0.955)
    assert lines[1].bbox is not None and lines[1].bbox.x1 == 345


def test_parse_tsv_makes_nfc_and_drops_speck_junk():
    decomposed = "Ke\u0302\u0301"  # "Kế" in NFD
    raw = tsv(f"{decomposed} hoạch").decode() + "5\t1\t1\t1\t1\t3\t250\t100\t10\t10\t20.0\t__\n"
    raw += "5\t1\t1\t1\t1\t4\t300\t100\t10\t10\t91.0\t-\n"
    (line,) = tesseract.parse_tsv(raw)
    assert line.text == "Kế hoạch -"


def test_exec_passes_argv_without_shell_and_limits_threads(monkeypatch):
    seen = {}

    def runner(argv, timeout, env):
        seen.update(argv=list(argv), timeout=timeout, threads=env.get("OMP_THREAD_LIMIT"))
        return engine.Completed(tuple(argv), 0, b"ok", b"")

    monkeypatch.setattr(engine, "runner", runner)
    assert engine.run(["tesseract", "--version"], timeout=7).stdout == b"ok"
    assert seen == {"argv": ["tesseract", "--version"], "timeout": 7, "threads": "1"}


def test_exec_real_subprocess_closes_stdin():
    done = engine.run(["cat"], timeout=10)  # would block forever with an open stdin
    assert done.stdout == b""


@pytest.mark.parametrize(("what", "error"), [("timeout", EngineTimeoutError), (3, EngineFailedError),
                                             ("missing", EngineMissingError)])
def test_exec_faults_become_named_errors(monkeypatch, what, error):
    install(monkeypatch, FakeTesseract(what))
    with pytest.raises(error):
        tesseract.ocr_image(Image.new("L", (50, 50), 255), 300, tesseract.OcrConfig())


def test_probe_names_the_package_for_missing_vie(monkeypatch):
    install(monkeypatch, FakeTesseract(langs="eng\nosd"))
    with pytest.raises(EngineMissingError, match="tesseract-ocr-vie"):
        probe.check("vie")
    probe.check.cache_clear()


def test_probe_accepts_the_installed_engine():
    probe.check.cache_clear()
    assert probe.check("vie").startswith("tesseract")


def test_bad_utf8_output_does_not_crash(monkeypatch):
    install(monkeypatch, FakeTesseract(tsv("Kế hoạch") + b"5\t1\t1\t1\t2\t1\t1\t1\t1\t1\t90\t\xff\xfe\n"))
    lines = tesseract.ocr_image(Image.new("L", (50, 50), 255), 300, tesseract.OcrConfig())
    assert lines[0].text == "Kế hoạch" and len(lines) == 2


def test_despeckle_erases_specks_but_keeps_marks():
    page = np.full((200, 200), 255, np.uint8)
    page[50, 50] = 0  # a speck
    page[100:102, 100:102] = 0  # a 2x2 speck
    page[150:155, 150:155] = 0  # a dot below (25 px)
    out = preprocess._despeckle(page, 300)
    assert out[50, 50] == 255 and out[100, 100] == 255 and out[152, 152] == 0


def test_upscale_brings_200_dpi_to_300():
    image, dpi = preprocess.prepare(Image.new("L", (200, 100), 255), 200, preprocess.Prep(upscale=True))
    assert (image.size, dpi) == ((300, 150), 300)


def test_skew_angle_finds_a_rotation():
    page = np.full((800, 800), 255, np.uint8)
    for y in range(100, 700, 40):
        page[y:y + 8, 100:700] = 0
    rotated = np.asarray(Image.fromarray(page).rotate(2.0, fillcolor=255))
    assert preprocess.skew_angle(rotated) == pytest.approx(-2.0, abs=0.5)


def test_parse_tsv_splits_header_columns_and_mends_roman_headings():
    # 001's mild scan: tesseract read both header columns as one line, and "III." as "IHI.".
    raw = tsv("ỦY BAN NHÂN DÂN", "IHI. NHIỆM VỤ", "HI. MỤC TIÊU", "IHI. phần").decode()
    raw += "5\t1\t1\t1\t1\t9\t1400\t100\t45\t30\t95.5\tCỘNG\n"
    raw += "5\t1\t1\t1\t1\t10\t1450\t100\t45\t30\t95.5\tHÒA\n"
    lines = tesseract.parse_tsv(raw, dpi=300)  # 30 pt = 125 px apart starts a new line
    assert [line.text for line in lines] == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA", "III. NHIỆM VỤ", "III. MỤC TIÊU",
                                             "IHI. phần"]


def test_issue2_adaptive_prep_leaves_clean_scans_alone_and_cleans_noisy_ones():
    # Measured on the samples: mild scans ~0 specks/Mpx, heavy scans and photocopies >= 220.
    mild, mild_dpi = PdfSource.open(SAMPLES / "004-scan-mild.pdf", Options()).render(0)
    heavy, heavy_dpi = PdfSource.open(SAMPLES / "004-scan-heavy.pdf", Options()).render(0)
    assert preprocess.speck_density(np.asarray(mild), mild_dpi) < preprocess.NOISY_SPECKS / 4
    assert preprocess.speck_density(np.asarray(heavy), heavy_dpi) > preprocess.NOISY_SPECKS * 4
    assert preprocess.prepare(mild, mild_dpi)[0].tobytes() == mild.tobytes()
    assert preprocess.prepare(heavy, heavy_dpi)[0].tobytes() != heavy.tobytes()
    forced = preprocess.prepare(mild, mild_dpi, preprocess.Prep(adaptive=False))[0]
    assert forced.tobytes() != mild.tobytes()


def test_engine_reads_an_uncompressed_tiff(monkeypatch):
    seen = []

    def runner(argv, timeout, env):
        seen.append((argv[1], Image.open(argv[1]).info.get("compression")))
        return engine.Completed(tuple(argv), 0, b"level\n", b"")

    monkeypatch.setattr(engine, "runner", runner)
    tesseract.ocr_image(Image.new("L", (20, 10), 255), 300, tesseract.OcrConfig())
    assert seen[0][0].endswith(".tif") and seen[0][1] == "raw"


# -- real tesseract on a real sample page (CI runs the engine, STYLE.md) -----------------

def test_real_ocr_of_mild_scan_page_has_low_cer():
    source = PdfSource.open(SAMPLES / "004-scan-mild.pdf", Options())
    image, dpi = source.render(0)
    image, dpi = preprocess.prepare(image, dpi)
    lines = tesseract.ocr_image(image, dpi, tesseract.OcrConfig(lang="vie"))
    text = "\n".join(line.text for line in lines)
    assert cer(reference_page("004", 0), text) < 0.01
    assert all(w.bbox and 0 <= w.conf <= 1 for line in lines for w in line.words)


def test_timeout_on_a_real_page_is_a_failed_page(monkeypatch, tmp_path):
    def runner(argv, timeout, env):
        raise subprocess.TimeoutExpired(argv, timeout)

    monkeypatch.setattr(engine, "runner", lambda argv, timeout, env: (
        engine._subprocess_run(argv, timeout, env) if "--list-langs" in argv or "--version" in argv
        else runner(argv, timeout, env)))
    probe.check.cache_clear()
    doc = ingest(SAMPLES / "004-page1.jpg", Options(jobs=1, page_timeout=5))
    (page,) = doc.pages
    assert page.source == "failed" and page.issues[0].kind == "E202"
    assert "page 1" in page.issues[0].message
