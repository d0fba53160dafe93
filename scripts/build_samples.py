"""Build the samples/ corpus from the seeds: typeset PDFs, simulated scans, text files.

Usage: .venv/bin/python scripts/build_samples.py [--shared ../shared] [--out samples]

Deterministic (seeded RNG, fixed PDF dates) and rerunnable. For each seed with a
clean reading (000, 001, 003, and 004 via restore/004.gold.txt):

- ``NNN-born-digital.pdf``  A4, Liberation Serif, Nghị định 30/2020 header block
  (000 is ``000-table.pdf``: the appendix task table as a real ruled table whose
  multi-line cells continue across a page break);
- ``NNN-scan-mild.pdf``     image-only, 300 dpi, slight skew, noise, blur, saved in B/W
  (1-bit CCITT G4; 000's ruled table in grayscale JPEG);
- ``NNN-scan-heavy.pdf``    image-only, stronger skew, blur, noise, speckle, low JPEG;
- ``NNN-photocopy-200dpi.pdf`` image-only, 200 dpi, faded, speckled, uneven toner;
- ``004-scan-garbled-layer.pdf`` the mild 004 scan with the garbled seed text as an
  invisible text layer (what a bad scanner OCR leaves behind).

Mild scans of 000, 001 and 004 are complete (scored against shared/gold), as is
the garbled-layer scan (B/W, 200 dpi); the others keep their first pages only
(``SCAN_PAGES``) so samples/ stays a few MB. ``text/`` holds the seed texts as
.txt samples (clean, garbled, unaccented).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONTS = {"R": "LiberationSerif-Regular", "B": "LiberationSerif-Bold",
         "I": "LiberationSerif-Italic", "BI": "LiberationSerif-BoldItalic"}
PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 20 * mm, 20 * mm, 20 * mm
SIZE, LEADING = 13, 17
# Pages kept per scan variant (None = all): 000's table and 004 are scored whole
# (mild and garbled-layer); the rest keep a page or two so samples/ stays small.
SCAN_PAGES = {("000", "scan-mild"): None, ("001", "scan-mild"): None, ("004", "scan-mild"): None,
              ("004", "scan-heavy"): 2,
              ("004", "photocopy-200dpi"): 2, ("000", "scan-heavy"): 1, ("000", "photocopy-200dpi"): 1}


def register_fonts() -> None:
    for key, name in FONTS.items():
        pdfmetrics.registerFont(TTFont(key, str(FONT_DIR / f"{name}.ttf")))
    pdfmetrics.registerFontFamily("R", normal="R", bold="B", italic="I", boldItalic="BI")


# ---------------------------------------------------------------- seed parsing

@dataclass
class Doc:
    """A plan split into the parts an administrative document lays out differently."""

    header: list[tuple[str, str]]  # rows of (left column, right column)
    doc_type: str
    title: list[str]
    body: list[str]  # "" = paragraph gap
    recipients: list[str]
    signature: list[str]
    signer: str
    wrap: bool  # re-wrap paragraphs (False: keep the source's line breaks, as 004's scan)


@dataclass
class Spec:
    seed: str
    header: list[tuple[str, str]] | None = None  # explicit header when the seed lacks one
    header_split: list[tuple[int, int]] = field(default_factory=list)  # (line index, left words)
    wrap: bool = True


SPECS = {
    "001": Spec("001", header=[("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                               ("TỈNH LẠNG SƠN", "Độc lập - Tự do - Hạnh phúc"),
                               ("Số:       /KH-UBND", "Lạng Sơn, ngày      tháng 9 năm 2025")]),
    "003": Spec("003", header=[("UBND TỈNH LAI CHÂU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                               ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Độc lập - Tự do - Hạnh phúc"),
                               ("Số:       /KH-SVHTTDL", "Lai Châu, ngày 01 tháng 02 năm 2023")]),
    "004": Spec("004", header_split=[(0, 4), (2, 3), (3, 3)], wrap=False),
}


def clean_md(line: str) -> str:
    line = re.sub(r"^#+\s*", "", line.strip())
    return line.replace("**", "").strip()


def parse(text: str, spec: Spec) -> Doc:
    lines = [clean_md(line) for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(("KẾ HOẠCH", "KE HOACH")))
    header = spec.header or [_split_words(lines[i], n) for i, n in spec.header_split]
    i = start + 1
    while not lines[i]:
        i += 1
    title = []
    while lines[i]:
        title.append(lines[i])
        i += 1
    end = next(j for j in range(i, len(lines)) if lines[j].startswith(("Nơi nhận", "Noi nh")))
    body = lines[i + 1:end]
    while body and not body[-1]:
        body.pop()
    recipients, signature, signer = _split_tail([line for line in lines[end:] if line])
    return Doc(header, lines[start], title, body, recipients, signature, signer, spec.wrap)


def _split_words(line: str, left_words: int) -> tuple[str, str]:
    words = line.split()
    return " ".join(words[:left_words]), " ".join(words[left_words:])


def _split_tail(lines: list[str]) -> tuple[list[str], list[str], str]:
    """Nơi nhận list (left) and signature block (right), also when a scan merged them per line."""
    left, right = [], []
    for line in lines:
        words = line.split()
        k = len(words)
        while k > 0 and _caps(words[k - 1]):
            k -= 1
        junk = [w for w in words[k:] if not any(c.isalpha() for c in w)]
        caps = [w for w in words[k:] if any(c.isalpha() for c in w)]
        head = words[:k]
        # trailing scribbles such as ". > ." are a signature's ink, not text
        while head and not any(c.isalpha() for c in head[-1]):
            head.pop()
        del junk
        if head and (head[0] in ("-", "Nơi", "Noi") or head[0].startswith("-")):
            left.append(" ".join(head))
        elif head:
            right.append(" ".join(head))
        if caps:
            right.append(" ".join(caps))
    signer = right.pop() if right and not _caps(right[-1].split()[0]) else ""
    return left, right, signer


def _caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and (len(letters) > 1 or word.endswith("."))


# ---------------------------------------------------------------- typesetting

@dataclass
class Placed:
    """One drawn line: page index, left x, baseline y, width, font, size, text."""

    page: int
    x: float
    y: float
    width: float
    font: str
    size: float
    text: str


class Layout:
    """Draws lines top to bottom on A4 pages and records where each went."""

    def __init__(self, c: canvas.Canvas | None):
        self.c, self.page, self.y = c, 0, PAGE_H - TOP
        self.placed: list[Placed] = []

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            if self.c:
                self.c.showPage()
            self.page += 1
            self.y = PAGE_H - TOP

    def text(self, x: float, text: str, font: str = "R", size: float = SIZE, max_w: float | None = None,
             align: str = "left", underline: bool = False) -> None:
        width = pdfmetrics.stringWidth(text, font, size)
        scale = min(1.0, max_w / width) if max_w and width else 1.0
        if align == "center":
            x -= width * scale / 2
        self.placed.append(Placed(self.page, x, self.y, width * scale, font, size, text))
        if not self.c:
            return
        obj = self.c.beginText(x, self.y)
        obj.setFont(font, size)
        obj.setHorizScale(scale * 100)
        obj.textOut(text)
        self.c.drawText(obj)
        if underline:
            self.c.setLineWidth(0.6)
            self.c.line(x + width * 0.15, self.y - 3, x + width * 0.85, self.y - 3)

    def down(self, amount: float = LEADING) -> None:
        self.y -= amount


def typeset(doc: Doc, c: canvas.Canvas | None) -> list[Placed]:
    lay = Layout(c)
    width = PAGE_W - LEFT - RIGHT
    # Nghị định 30/2020 layout: issuing body centred over the left ~70 mm, quốc hiệu over the rest.
    left_mid, right_mid = LEFT + 35 * mm, LEFT + width - 45 * mm
    header_fonts = [("R", "B"), ("B", "B"), ("R", "I")]
    for row, (left, right) in enumerate(doc.header):
        lf, rf = header_fonts[min(row, 2)]
        size = 12 if row == 0 else SIZE
        lay.text(left_mid, left, lf, size, align="center", max_w=68 * mm, underline=row == 1)
        lay.text(right_mid, right, rf, size, align="center", max_w=90 * mm, underline=row == 1)
        lay.down(LEADING + (8 if row == 1 else 0))
    lay.down(10)
    lay.text(LEFT + width / 2, doc.doc_type, "B", 14, align="center")
    lay.down()
    for line in doc.title:
        for piece in _wrap(line, "B", width - 20 * mm) if doc.wrap else [line]:
            lay.text(LEFT + width / 2, piece, "B", SIZE, align="center", max_w=width)
            lay.down()
    if c:
        c.setLineWidth(0.6)
        c.line(LEFT + width / 2 - 40, lay.y + 10, LEFT + width / 2 + 40, lay.y + 10)
    lay.down(10)
    _body(lay, doc, width)
    _tail(lay, doc, width)
    return lay.placed


def _heading(line: str) -> bool:
    return bool(re.match(r"^([IVX]+\.|\d+(\.\d+)*\.\s+\S.{0,80}$)", line)) and not line.endswith((".", ";"))


def _body(lay: Layout, doc: Doc, width: float) -> None:
    for line in doc.body:
        if not line:
            lay.down(6)
            continue
        font = "B" if _heading(line) else "R"
        if not doc.wrap:
            lay.need(LEADING)
            lay.text(LEFT, line, font, max_w=width)
            lay.down()
            continue
        pieces = _wrap(line, font, width - 10 * mm)
        for n, piece in enumerate(pieces):
            lay.need(LEADING)
            indent = 10 * mm if n == 0 else 0
            if n < len(pieces) - 1 and font == "R":
                _justify_at(lay, piece, width - indent, LEFT + indent)
            else:
                lay.text(LEFT + indent, piece, font)
            lay.down()
        lay.down(4)


def _justify_at(lay: Layout, line: str, width: float, x0: float) -> None:
    words = line.split()
    total = sum(pdfmetrics.stringWidth(w, "R", SIZE) for w in words)
    gap = (width - total) / max(1, len(words) - 1)
    x = x0
    for word in words:
        lay.text(x, word)
        x += pdfmetrics.stringWidth(word, "R", SIZE) + gap


def _tail(lay: Layout, doc: Doc, width: float) -> None:
    rows = max(len(doc.recipients), len(doc.signature) + 5)
    lay.down(8)
    lay.need(rows * 14)
    top = lay.y
    for n, line in enumerate(doc.recipients):
        font, size = ("BI", 12) if n == 0 else ("R", 11)
        lay.text(LEFT, line, font, size, max_w=82 * mm)
        lay.down(14)
    bottom = lay.y
    lay.y = top
    right_mid = LEFT + width - 45 * mm
    for line in doc.signature:
        lay.text(right_mid, line, "B", SIZE, align="center", max_w=90 * mm)
        lay.down()
    lay.down(70)
    if doc.signer:
        lay.text(right_mid, doc.signer, "B", SIZE, align="center")
        lay.down()
    lay.y = min(lay.y, bottom)


def _wrap(text: str, font: str, width: float) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    return simpleSplit(text, font, SIZE, width) or [""]


def new_canvas(path: Path | io.BytesIO, pagesize=A4) -> canvas.Canvas:
    c = canvas.Canvas(str(path) if isinstance(path, Path) else path, pagesize=pagesize,
                      invariant=1, pageCompression=1)
    c.setTitle("")
    return c


def build_born_digital(doc: Doc, out: Path) -> list[Placed]:
    c = new_canvas(out)
    placed = typeset(doc, c)
    c.save()
    return placed


# ---------------------------------------------------------------- 000: the task table

# Gap above the table, chosen so that row 2 (its long "phối hợp" cell) runs across the page break.
TABLE_GAP = 40 * mm
TABLE_HEAD = ["TT", "Nhiệm vụ công vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn hoàn thành"]
SVH = "Sở Văn hóa, Thể thao và Du lịch"
LQ = "Các cơ quan, đơn vị liên quan"
XP = "UBND các xã, phường"
Y2630 = "Từ năm 2026-2030"
TABLE_ROWS: list[tuple[str, ...]] = [
    ("I", "Rà soát, sắp xếp, thống nhất những nội dung chủ yếu về thẩm quyền, quy trình, thủ tục liên "
          "quan đến xây dựng “mô hình thư viện cơ sở”"),
    ("1.", "Rà soát, sắp xếp, thống nhất những nội dung chủ yếu về thẩm quyền, quy trình, thủ tục liên "
           "quan đến xây dựng “mô hình thư viện cơ sở” phù hợp với pháp luật về tổ chức chính quyền "
           "địa phương, thư viện và pháp luật khác liên quan, đặc thù trong khu vực",
     f"- {SVH} (thực hiện xây dựng 10 mô hình năm 2026);<br/>- UBND các xã. phường (triển khai nhân "
     "rộng từ năm 2027-2030)", LQ, Y2630),
    ("II", "Đẩy mạnh công tác truyền thông về hoạt động của “mô hình thư viện cơ sở”"),
    ("2.", "Tăng cường công tác thông tin, tuyên truyền nhằm nâng cao nhận thức của các cấp, các ngành, "
           "gia đình, trường học, cộng đồng và toàn xã hội về tầm quan trọng của việc xây dựng “mô hình "
           "thư viện cơ sở”", SVH,
     "Các cơ quan, đơn vị liên quan: Ban Tuyên giáo và Dân vận Tỉnh uỷ; Ủy ban Mặt trận Tổ quốc Việt "
     "Nam tỉnh Lạng Sơn và các tổ chức chính trị - xã hội tỉnh; Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh; "
     "Sở Giáo dục và Đào tạo; Báo và Đài Phát thanh Truyền hình Lạng Sơn; Hội Khuyến học tỉnh; Ủy ban "
     "nhân dân các xã, phường", "Từ năm 2025-2030"),
    ("3.", "Tổ chức các hoạt động tuyên truyền gắn với các sự kiện hằng năm, như: Tuần lễ hưởng ứng học "
           "tập suốt đời, Cuộc thi Đại sứ văn hóa đọc; Liên hoan tuyên truyền giới thiệu sách….",
     f"{SVH}; Sở Giáo dục và Đào tạo; {XP}", LQ, Y2630),
    ("4.", "Đa dạng hóa hình thức truyền thông trên nền tảng công nghệ số, nâng cao nhận thức, tăng "
           "cường trách nhiệm của các cấp, các ngành và của người dân tại cơ sở", f"{SVH}; {XP}", LQ, Y2630),
    ("5.", "Đẩy mạnh hoạt động tuyên truyền quảng bá các tác phẩm về Lạng Sơn, đặc biệt là tài liệu địa "
           "chí về lịch sử, văn hóa, du lịch của tỉnh Lạng Sơn", f"{SVH}; Sở Giáo dục và Đào tạo; {XP}",
     LQ, Y2630),
    ("III", "Hướng dẫn tổ chức và quản lý hoạt động của “mô hình thư viện cơ sở”."),
    ("6.", "Củng cố, kiện toàn, đầu tư, nâng cấp cơ sở vật chất, trang thiết bị; bố trí địa điểm phù hợp, "
           "bảo đảm việc bảo quản, phát triển tài nguyên thông tin và thuận tiện trong phục vụ người sử "
           "dụng", f"{SVH}; {XP}", LQ, Y2630),
    ("7.", "Nghiên cứu xây dựng các chính sách khuyến khích đầu tư cho phát triển văn hóa đọc tại địa "
           "phương để thu hút các nguồn lực tham gia", SVH, f"{LQ}, UBND các xã. phường", "Năm 2026"),
    ("IV", "Đổi mới phương thức hoạt động"),
    ("8.", "Tăng cường phối hợp giữa thư viện cơ sở với thư viện công cộng cấp tỉnh trong việc hỗ trợ "
           "chuyên môn, nghiệp vụ, bồi dưỡng, nâng cao chất lượng nguồn nhân lực, cung cấp các sản phẩm "
           "và dịch vụ thư viện trên nền tảng công nghệ số", SVH, f"{LQ}, UBND các xã. phường", Y2630),
    ("V", "Tổ chức tập huấn, bồi dưỡng kiến thức, nâng cao năng lực cho người làm công tác thư viện cơ sở"),
    ("9.", "Tăng cường phát triển đội ngũ cộng tác viên, huy động nhân lực trong các thiết chế văn hóa "
           "khác ở cấp cơ sở, nhân lực của các tổ chức chính trị - xã hội, xã hội - nghề nghiệp, của cộng "
           "đồng tham gia hỗ trợ triển khai “mô hình thư viện cơ sở”", f"{SVH};",
     f"{LQ}, UBND các xã. phường", Y2630),
    ("VI", "Đẩy mạnh công tác xã hội hóa hoạt động thư viện"),
    ("10.", "Đẩy mạnh việc vận động, quyên góp, xã hội hóa huy động nguồn lực từ các doanh nghiệp, nhà "
            "tài trợ, tổ chức, cá nhân trong nước và nước ngoài theo đúng quy định pháp luật; tăng cường "
            "sự tham gia của cộng đồng, đặc biệt là đội ngũ trí thức vào xây dựng và tổ chức hiệu quả “mô "
            "hình thư viện cơ sở", f"{SVH}; {XP}", LQ, Y2630),
    ("VII", "Biểu dương, tôn vinh, khen thưởng trong việc xây dựng và phát triển “mô hình thư viện cơ sở”."),
    ("11.", "Biểu dương, tôn vinh, khen thưởng các tập thể và cá nhân điển hình, nhân rộng các mô hình "
            "tốt, cách làm hay, sáng tạo trong việc xây dựng và phát triển “mô hình thư viện cơ sở”.",
     f"{SVH}; Sở Nội vụ; {XP}", LQ, Y2630),
    ("VIII", "Kiểm tra, đánh giá, sơ kết, tổng kết việc triển khai thực hiện Chương trình"),
    ("12.", "Kiểm tra, đánh giá, sơ kết, tổng kết việc triển khai thực hiện Chương trình trong giai đoạn "
            "2026 - 2030 và đề xuất định hướng, nhiệm vụ, giải pháp triển khai cho giai đoạn tiếp theo; "
            "báo cáo Thủ tướng Chính phủ.", f"{SVH};", f"{LQ}, UBND các xã, phường", Y2630),
]


def build_table(out: Path) -> None:
    page = landscape(A4)
    cell = ParagraphStyle("cell", fontName="R", fontSize=12, leading=15)
    head = ParagraphStyle("head", parent=cell, fontName="B", alignment=1)
    group = ParagraphStyle("group", parent=cell, fontName="B")
    center = ParagraphStyle("center", parent=cell, alignment=1)
    rows: list[list] = [[Paragraph(h, head) for h in TABLE_HEAD]]
    style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("REPEATROWS", (0, 0), (-1, 0))]
    for row in TABLE_ROWS:
        n = len(rows)
        if len(row) == 2:
            rows.append([Paragraph(row[0], ParagraphStyle("g", parent=group, alignment=1)),
                         Paragraph(row[1], group), "", "", ""])
            style.append(("SPAN", (1, n), (4, n)))
        else:
            rows.append([Paragraph(row[0], center), *(Paragraph(t, cell) for t in row[1:4]),
                         Paragraph(row[4], center)])
    table = Table(rows, colWidths=[14 * mm, 105 * mm, 50 * mm, 55 * mm, 30 * mm], repeatRows=1,
                      splitInRow=1, splitByRow=1)
    table.setStyle(TableStyle(style))
    title = ParagraphStyle("title", fontName="B", fontSize=13, leading=17, alignment=1)
    sub = ParagraphStyle("sub", fontName="I", fontSize=13, leading=17, alignment=1)
    story = [Paragraph("Phụ lục 03: PHÂN CÔNG NHIỆM VỤ CHI TIẾT THỰC HIỆN KẾ HOẠCH", title),
             Paragraph("(Kèm theo Kế hoạch số 242 /KH-UBND ngày 19 /9/2025 của UBND tỉnh Lạng Sơn)", sub),
             Spacer(1, TABLE_GAP), table]
    doc = SimpleDocTemplate(str(out), pagesize=page, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, invariant=1, title="")
    doc.build(story)


# ---------------------------------------------------------------- scans

@dataclass(frozen=True)
class Degrade:
    """How a scan or photocopy damages a page image."""

    dpi: int
    skew: float  # degrees, sign drawn at random
    blur: float
    noise: float  # gaussian sigma in gray levels
    speckle: float  # share of pixels hit by dark specks
    fade: float  # 0 = black ink, 0.5 = ink printed at mid gray
    uneven: float  # amplitude of the illumination gradient
    quality: int  # JPEG quality
    white: int = 256  # scanner white point: lighter pixels become paper white
    bilevel: int = 0  # B/W scan mode: threshold, stored 1-bit CCITT G4 (0 = grayscale JPEG)


# Office scanners save text documents in B/W mode by default: 1-bit G4 is ~60 KB a page
# where a grayscale JPEG is ~390 KB even at quality 30 (samples/ must stay a few MB).
MILD = Degrade(300, 0.5, 0.6, 6, 0.0, 0.05, 0.03, 30, white=215, bilevel=150)
HEAVY = Degrade(300, 1.4, 1.2, 12, 0.0003, 0.15, 0.10, 22, white=215)
HARSH = Degrade(200, 0.9, 0.8, 8, 0.0006, 0.40, 0.25, 30, white=235)
# The scan under the garbled layer: 200 dpi, as office scanners with built-in OCR save.
GARBLED_SCAN = Degrade(200, 0.5, 0.5, 6, 0.0, 0.05, 0.03, 35, white=215, bilevel=150)
VARIANTS = {"scan-mild": MILD, "scan-heavy": HEAVY, "photocopy-200dpi": HARSH}


def degrade(image: Image.Image, how: Degrade, rng: np.random.Generator) -> Image.Image:
    angle = how.skew * (0.6 + 0.4 * rng.random()) * (1 if rng.random() < 0.5 else -1)
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if how.blur:
        image = image.filter(ImageFilter.GaussianBlur(how.blur))
    a = np.asarray(image, dtype=np.float32) / 255.0
    h, w = a.shape
    a = 1.0 - (1.0 - a) * (1.0 - how.fade)  # faded toner
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - how.uneven * (0.5 * xx / w + 0.5 * (yy / h) ** 2)  # darker toward a corner
    a = a * light
    # Grain two pixels wide: scanner noise is not per pixel, and it keeps the JPEGs small.
    grain = rng.normal(0, how.noise / 255.0, size=((h + 1) // 2, (w + 1) // 2)).astype(np.float32)
    a += np.kron(grain, np.ones((2, 2), np.float32))[:h, :w]
    if how.speckle:
        hits = rng.random(a.shape) < how.speckle
        a[hits] = rng.uniform(0.0, 0.5, size=int(hits.sum()))
        a = np.minimum(a, np.asarray(Image.fromarray(((a * 255).clip(0, 255)).astype(np.uint8))
                                     .filter(ImageFilter.MinFilter(3)), dtype=np.float32) / 255.0 + 0.35)
    out = (a.clip(0, 1) * 255).astype(np.uint8)
    out[out >= how.white] = 255
    return Image.fromarray(out)


def render_pages(pdf_path: Path, dpi: int, pages: int | None):
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for index in range(len(pdf) if pages is None else min(pages, len(pdf))):
            page = pdf[index]
            yield page.get_size(), page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
    finally:
        pdf.close()


def jpeg(image: Image.Image, quality: int) -> io.BytesIO:
    """JPEG bytes: reportlab embeds a JPEG file as is (DCTDecode), keeping the artefacts and size."""
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, optimize=True)
    buf.seek(0)
    return buf


def build_scan(source: Path, out: Path, how: Degrade, seed: int, pages: int | None,
               layer: list[Placed] | None = None, layer_text: list[Placed] | None = None) -> None:
    from reportlab.lib.utils import ImageReader

    rng = np.random.default_rng(seed)
    c = None
    g4: list[tuple[bytes, int, int]] = []
    for index, ((w, h), image) in enumerate(render_pages(source, how.dpi, pages)):
        if c is None:
            c = new_canvas(out, pagesize=(w, h))
        c.setPageSize((w, h))
        scanned = degrade(image, how, rng)
        if how.bilevel:
            # reportlab cannot embed G4: draw a 1-pixel stand-in (unique per page, so
            # never shared) and swap the G4 stream in afterwards.
            g4.append(_g4(scanned, how.bilevel))
            c.drawImage(ImageReader(Image.new("L", (1, 1), 255 - index % 256)), 0, 0, width=w, height=h)
        else:
            c.drawImage(ImageReader(jpeg(scanned, how.quality)), 0, 0, width=w, height=h)
        if layer is not None and layer_text is not None:
            _invisible_layer(c, index, layer, layer_text)
        c.showPage()
    assert c is not None
    c.save()
    if g4:
        _swap_in_g4(out, g4)


def _g4(image: Image.Image, threshold: int) -> tuple[bytes, int, int]:
    """The CCITT G4 bytes of the thresholded image, from a one-strip TIFF.

    Pillow writes bilevel TIFFs min-is-white (a set bit is ink), hence /BlackIs1 true
    below: without it the page decodes as a negative, which tesseract still reads
    (it retries inverted) at ~50 % more CPU.
    """
    from PIL import TiffImagePlugin

    bw = image.point(lambda v: 255 if v > threshold else 0).convert("1")
    strip_size, TiffImagePlugin.STRIP_SIZE = TiffImagePlugin.STRIP_SIZE, 1 << 30
    try:
        buf = io.BytesIO()
        bw.save(buf, "TIFF", compression="group4")
    finally:
        TiffImagePlugin.STRIP_SIZE = strip_size
    data = buf.getvalue()
    tiff = Image.open(io.BytesIO(data))
    (offset,), (length,) = tiff.tag_v2[273], tiff.tag_v2[279]
    return data[offset:offset + length], bw.width, bw.height


def _swap_in_g4(path: Path, pages: list[tuple[bytes, int, int]]) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=PdfReader(path))
    for page, (data, width, height) in zip(writer.pages, pages, strict=True):
        images = [x.get_object() for x in page["/Resources"]["/XObject"].values()
                  if x.get_object().get("/Subtype") == "/Image"]
        (image,) = images
        for key in [k for k in image if k not in ("/Type", "/Subtype")]:
            del image[key]
        image.update({NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height),
                      NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                      NameObject("/BitsPerComponent"): NumberObject(1),
                      NameObject("/Filter"): ArrayObject([NameObject("/CCITTFaxDecode")]),
                      NameObject("/DecodeParms"): ArrayObject([DictionaryObject({
                          NameObject("/K"): NumberObject(-1), NameObject("/Columns"): NumberObject(width),
                          NameObject("/Rows"): NumberObject(height),
                          NameObject("/BlackIs1"): BooleanObject(True)})])})
        image._data = data
        image.decoded_self = None
    with path.open("wb") as handle:
        writer.write(handle)


def _invisible_layer(c: canvas.Canvas, page: int, layer: list[Placed], text: list[Placed]) -> None:
    """Draw ``text`` (render mode 3, invisible) where ``layer`` drew the clean lines."""
    if len(layer) != len(text):
        print(f"warning: garbled layer has {len(text)} lines, clean layout {len(layer)}")
    for where, what in zip(layer, text, strict=False):
        if where.page != page or not what.text:
            continue
        width = pdfmetrics.stringWidth(what.text, where.font, where.size)
        obj = c.beginText(where.x, where.y)
        obj.setTextRenderMode(3)
        obj.setFont(where.font, where.size)
        obj.setHorizScale(100 * where.width / width if width else 100)
        obj.textOut(what.text)
        c.drawText(obj)


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "samples")
    args = parser.parse_args()
    register_fonts()
    out: Path = args.out
    (out / "text").mkdir(parents=True, exist_ok=True)
    seeds = {p.name[:3]: p for p in (args.shared / "seeds").glob("*.txt")}
    clean = {"000": seeds["000"], "001": seeds["001"], "003": seeds["003"],
             "004": args.shared / "restore" / "004.gold.txt"}
    for sid, path in clean.items():
        shutil.copyfile(path, out / "text" / f"{sid}.txt")
    shutil.copyfile(seeds["002"], out / "text" / "002-garbled.txt")
    shutil.copyfile(seeds["004"], out / "text" / "004-garbled.txt")

    build_table(out / "000-table.pdf")
    sources = {"000": out / "000-table.pdf"}
    placed: dict[str, list[Placed]] = {}
    for sid in ("001", "003", "004"):
        doc = parse(clean[sid].read_text(encoding="utf-8"), SPECS[sid])
        sources[sid] = out / f"{sid}-born-digital.pdf"
        placed[sid] = build_born_digital(doc, sources[sid])
    for sid, source in sources.items():
        for n, (name, how) in enumerate(VARIANTS.items()):
            if (sid, name) == ("000", "scan-mild"):
                # The ruled task table scanned in B/W lost its header row and number column
                # to tesseract (score_plan F1 0.71 against 0.96 in grayscale): kept grayscale.
                how = replace(how, bilevel=0)
            build_scan(source, out / f"{sid}-{name}.pdf", how, seed=int(sid) * 10 + n,
                       pages=SCAN_PAGES.get((sid, name), 1))
    garbled = parse(seeds["004"].read_text(encoding="utf-8"), SPECS["004"])
    garbled_placed = typeset(garbled, None)
    build_scan(sources["004"], out / "004-scan-garbled-layer.pdf", GARBLED_SCAN, seed=49, pages=None,
               layer=placed["004"], layer_text=garbled_placed)
    build_images(out, sources["004"])
    for path in sorted(out.rglob("*")):
        if path.is_file():
            print(f"{path.stat().st_size / 1024:8.0f} KiB  {path.relative_to(out)}")


def build_images(out: Path, source: Path) -> None:
    """Image inputs: one JPEG page and a two-page bilevel TIFF (G4) of the 004 scan."""
    rng = np.random.default_rng(404)
    frames = [degrade(image, MILD, rng) for _, image in render_pages(source, 300, 2)]
    top = frames[0].crop((0, 0, frames[0].width, frames[0].height // 2))  # half a page keeps it small
    top.save(out / "004-page1.jpg", "JPEG", quality=30, dpi=(300, 300))
    bilevel = [f.point(lambda v: 255 if v > 150 else 0).convert("1") for f in frames]
    bilevel[0].save(out / "004-pages1-2.tiff", compression="group4", save_all=True,
                    append_images=bilevel[1:], dpi=(300, 300))


if __name__ == "__main__":
    main()
