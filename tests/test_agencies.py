import pytest

from extractor import agencies
from extractor.vietnamese import normalize


def names(text):
    return [m.name for m in agencies.parse_agency_list(text)]


@pytest.mark.parametrize("printed,canonical", [
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("UBND các xã, phường", "Ủy ban nhân dân các xã, phường"),
    ("Uy ban nhan dan cap xa", "Ủy ban nhân dân cấp xã"),
    ("BCHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
    ("Ban Tuyên giáo và Dân vận Tỉnh uỷ", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ("Bộ VH,TT&DL", "Bộ Văn hóa, Thể thao và Du lịch"),
])
def test_aliases_resolve_to_one_name(printed, canonical):
    assert agencies.canonical_name(printed) == canonical


@pytest.mark.parametrize("printed,canonical", [
    ("Ủy ban nhân dén cip xóa", "Ủy ban nhân dân cấp xã"),  # restoration slips
    ("Sé Dẫn tgc và Tôn giáo", "Sở Dân tộc và Tôn giáo"),
    ("S6 Tw phap", "Sở Tư pháp"),  # OCR digits for letters
    ("Sở Giáo dục và Pao tạo", "Sở Giáo dục và Đào tạo"),
])
def test_ocr_damaged_names_resolve(printed, canonical):
    assert names(printed) == [canonical]


def test_province_after_a_body_is_kept():
    assert names("Công an tỉnh Sơn La") == ["Công an tỉnh Sơn La"]
    assert names("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Cao Bằng") == [
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Cao Bằng"]


def test_cell_list_with_collective_label_and_remarks():
    text = ("Các cơ quan, đơn vị liên quan: Ban Tuyên giáo và Dân vận Tỉnh ủy; Công an tỉnh, "
            "Bộ Chỉ huy Quân sự tỉnh; Sở Y tế (phối hợp khi cần); UBND các xã. phường")
    assert names(text) == ["Ban Tuyên giáo và Dân vận Tỉnh ủy", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh",
                           "Sở Y tế", "Ủy ban nhân dân các xã, phường"]


def test_unknown_body_kept_as_printed_and_unresolved():
    found = agencies.parse_agency_list("Sở Hàng hải Quốc tế; Sở Tài chính")
    assert [(m.name, m.resolved) for m in found] == [("Sở Hàng hải Quốc tế", False), ("Sở Tài chính", True)]


def test_bodies_known_by_type_keep_their_printed_name():
    found = agencies.parse_agency_list("Trung tâm Văn hóa, Thể thao và Truyền thông các huyện, thành phố")
    assert [(m.name, m.resolved) for m in found] == [
        ("Trung tâm Văn hóa, Thể thao và Truyền thông các huyện, thành phố", True)]


def test_sentence_words_are_not_bodies():
    assert names("Sở Tài chính và nhân dân trên địa bàn") == ["Sở Tài chính"]
    assert names("trên địa bàn tỉnh") == []


def test_registry_uses_modern_tone_placement():
    for entry in agencies.registry():
        assert entry.canonical == normalize(entry.canonical)
        assert "hoá" not in entry.canonical and "Uỷ" not in entry.canonical


def test_provinces_cover_old_and_new():
    assert len(agencies.provinces()) >= 63
    assert agencies.find_province("trên địa bàn tỉnh Thừa Thiên Huế") == "Thừa Thiên Huế"
    assert agencies.find_province("TINH SON LA") == "Sơn La"


def test_issuer_code():
    assert agencies.code_agency("UBND") == "Ủy ban nhân dân"
    assert agencies.code_agency("SVHTTDL") == "Sở Văn hóa, Thể thao và Du lịch"


def test_signature_lines_and_page_labels_are_not_bodies():
    """Issue 4 follow-up 6: "PHÓ CHỦ TỊCH Trang 1" ran into a lead cell of a text layer."""
    assert names("Sở Y tế; PHÓ CHỦ TỊCH Trang 1") == ["Sở Y tế"]
    assert names("Sở Y tế KT. CHỦ TỊCH") == ["Sở Y tế"]
    assert names("Sở Tài chính; Trang 2") == ["Sở Tài chính"]
    assert names("Chủ tịch Hội Nông dân xã") == ["Chủ tịch Hội Nông dân xã"]  # a person's office, in prose
