import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from extractor.vietnamese import (
    has_marks,
    is_syllable,
    letter_tokens,
    normalize,
    split_tone,
    strip_diacritics,
)


def test_valid_syllables_accepted():
    text = ("Triển khai thực hiện Quyết định của Thủ tướng Chính phủ phê duyệt Chương trình "
            "nghiêng gì giếng quốc khuya oanh Nguyễn Huyền Lạng Sơn Nghĩa ngoằn khuỷu")
    assert [t for t in letter_tokens(text) if not is_syllable(t)] == []


def test_garbled_ocr_tokens_rejected():
    # what a non-Vietnamese OCR model wrote in seeds 002/004
    for token in ("Trién", "thue", "hién", "Quyét", "ctia", "Chwong", "chirc"):
        assert not is_syllable(token), token


def test_stop_coda_takes_only_sac_or_nang():
    assert is_syllable("việt") and is_syllable("tác")
    assert not is_syllable("tàc") and not is_syllable("việt".replace("ệ", "ề"))


def test_normalize_moves_tone_to_modern_place():
    assert normalize("Văn hoá Uỷ ban thuỷ lợi hoà bình") == "Văn hóa Ủy ban thủy lợi hòa bình"
    # "qu" + a: the mark stays on the vowel after u
    assert normalize("quá quý") == "quá quý"


def test_normalize_is_nfc_and_idempotent():
    decomposed = unicodedata.normalize("NFD", "Hoá học Việt Nam")
    once = normalize(decomposed)
    assert once == normalize(once) == "Hóa học Việt Nam"


def test_strip_and_split_tone():
    assert strip_diacritics("Đẩy mạnh Ủy ban") == "Day manh Uy ban"
    assert split_tone("mạnh") == ("manh", 5)
    assert split_tone("người") == ("ngươi", 2)
    assert has_marks("đi") and not has_marks("di")


@given(st.text())
def test_primitives_never_crash(text):
    normalize(text)
    strip_diacritics(text)
    for token in letter_tokens(text):
        is_syllable(token)
