"""Issue 6: the comparison report of the seeds' records (golden files, XLSX, CSV, HTML in a browser)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from extractor.compare import compare
from extractor.compare.run import InvalidRecordError
from tests.conftest import seed_path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "compare" / "seeds"
TABLES = ("ma_tran_nhiem_vu", "chi_tieu", "kinh_phi", "bao_cao", "co_quan", "doi_chieu_nhiem_vu")


def _inputs(shared: Path, folder: Path) -> list[Path]:
    """Gold records of 000/001/004 and the committed 002 record, each beside its source text."""
    folder.mkdir()
    paths = []
    for seed in ("000", "001", "002", "004"):
        record = (
            ROOT / "tests" / "records" / "002.json" if seed == "002" else shared / "gold" / f"{seed}.json"
        )
        shutil.copy(record, folder / f"{seed}.json")
        shutil.copy(seed_path(shared, seed), folder)
        paths.append(folder / f"{seed}.json")
    return paths


@pytest.fixture(scope="module")
def seeds_report(shared: Path, tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("compare")
    out = base / "out"
    return compare(_inputs(shared, base / "in"), out), out


def _check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} is missing; run pytest --update-golden"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("name", [f"{t}.csv" for t in TABLES] + ["report.html"])
def test_golden_outputs_of_seeds(seeds_report, update_golden: bool, name: str) -> None:
    _, out = seeds_report
    _check_golden(name, (out / name).read_text(encoding="utf-8"), update_golden)


def test_matrix_covers_every_reference_task_in_every_province(seeds_report) -> None:
    report, _ = seeds_report
    matrix = report.table("ma_tran_nhiem_vu")
    assert [p.name for p in report.provinces] == ["Lạng Sơn", "Thái Nguyên", "Sơn La"]
    assert [row[0].text for row in matrix.rows] == [str(i) for i in range(1, 9)]
    assert all(cell.flag == "present" for row in matrix.rows for cell in row[2:])
    # Lạng Sơn's appendix (000) brings lead, coordinators and deadline to the plan (001)
    lang_son_1 = matrix.rows[0][2]
    assert lang_son_1.parts[2].startswith("Sở Văn hóa, Thể thao và Du lịch")
    assert lang_son_1.parts[4] == "Từ năm 2026-2030"
    # Thái Nguyên splits task 3 and merges 7 with 8
    thai_nguyen = {row[0].text: row[3] for row in matrix.rows}
    assert thai_nguyen["3"].parts[1] == "3.1, 3.2"
    assert thai_nguyen["7"].parts[1] == thai_nguyen["8"].parts[1] == "7"


def test_every_matrix_cell_links_to_its_source_line(seeds_report) -> None:
    report, out = seeds_report
    for row in report.table("ma_tran_nhiem_vu").rows:
        for cell in row[2:]:
            assert cell.refs, row[0].text
            assert all(r.href and (out / r.href.split("#")[0]).is_file() for r in cell.refs)
    sơn_la_3 = report.table("ma_tran_nhiem_vu").rows[2][4].refs[0]
    assert (sơn_la_3.page, sơn_la_3.line_start) == (1, 145)
    assert "huéng dan to chue" in sơn_la_3.original


def test_xlsx_reopens_with_a_sheet_per_table(seeds_report) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    report, out = seeds_report
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert wb.sheetnames == list(TABLES)
    ws = wb["ma_tran_nhiem_vu"]
    assert ws.cell(1, 3).value == "Lạng Sơn – Có/Không"
    assert [ws.cell(r, 3).value for r in range(2, 10)] == ["Có"] * 8
    assert ws.cell(2, 4).hyperlink is not None and "#page=1" in ws.cell(2, 4).hyperlink.target
    targets = wb["chi_tieu"]
    assert targets.cell(2, 3).value == 15 and targets.cell(2, 1).value.startswith("Tỷ lệ xã")


def test_deviation_from_national_target_is_flagged(shared: Path, tmp_path: Path) -> None:
    paths = _inputs(shared, tmp_path / "in")
    record = json.loads(paths[3].read_text(encoding="utf-8"))  # Sơn La
    record["targets"][0]["value"] = 20.0
    paths[3].write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    report = compare(paths, tmp_path / "out")
    row = report.table("chi_tieu").rows[0]
    assert (row[1].text, row[2].text) == ("2026", "15 %")
    assert row[5].flag == "deviation" and row[5].text == "20 % (+5)"
    assert [c.flag for c in row[3:5]] == [None, None]
    assert '<td class="deviation">20 % (+5)' in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_html_is_self_contained(seeds_report) -> None:
    _, out = seeds_report
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert page.count("<svg") >= 5 and "Ma trận nhiệm vụ theo tỉnh" in page
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_html_matrix_in_a_real_browser(seeds_report) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    _, out = seeds_report
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            (out / "report.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'id="bang-ma_tran_nhiem_vu"' in dom
    matrix = dom.split('id="bang-ma_tran_nhiem_vu"', 1)[1].split("</table>", 1)[0]
    assert matrix.count("<tr>") == 9  # header + eight reference tasks


def test_a_file_that_is_no_record_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"tasks": 3}', encoding="utf-8")
    with pytest.raises(InvalidRecordError):
        compare([bad], tmp_path / "out")


@pytest.mark.slow
def test_source_documents_are_extracted(shared: Path, tmp_path: Path) -> None:
    report = compare([seed_path(shared, "001")], tmp_path / "out")
    matrix = report.table("ma_tran_nhiem_vu")
    assert [p.name for p in report.provinces] == ["Lạng Sơn"]
    assert sum(row[2].flag == "present" for row in matrix.rows) >= 7
    assert (tmp_path / "out" / "report.xlsx").is_file() and (tmp_path / "out" / "chi_tieu.csv").is_file()
