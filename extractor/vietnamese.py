"""Vietnamese text primitives shared by every stage.

Normalisation happens in one fixed order (STYLE.md): NFC → character fixes →
tone-placement normalisation (``hoá`` → ``hóa``). Syllable validity is decided by
Vietnamese phonotactics (onset + rhyme + tone), not by a word list, so a name the
lists never saw still counts as Vietnamese while ``trién`` or ``ctia`` do not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks: the five tones (grave, acute, hook, tilde, dot below).
_TONE_MARKS = {"\u0300": 2, "\u0301": 1, "\u0309": 3, "\u0303": 4, "\u0323": 5}
# Vowel-quality marks (circumflex, breve, horn) kept when tones are removed.
_QUALITY_MARKS = {"\u0302", "\u0306", "\u031b"}

_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")

_RHYMES = frozenset("""
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong ooc oong op ot
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oe oec oen oeo oet
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u uc ui um un ung up ut
ua uân uâng uât uây uê uêch uênh uy uya uych uyn uynh uyp uyt uyu uyên uyêt
uô uôc uôi uôm uôn uông uôt uơ
ư ưc ưi ưm ưn ưng ưt ưu ưa ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
""".split())

# After "qu" the medial /w/ is spelt by the u of the onset.
_QU_RHYMES = frozenset("a ac ach ai an ang anh at au ay ăc ăm ăn ăng ăt âc ân âng ât ây "
                       "e en eo et ê ên ênh êt ôc i ich in inh it y ych yn ynh yt yu yên yêt "
                       "o ơ".split())
# After "gi" the i of the onset may double as the nucleus (gì, gìn, giếng).
_GI_RHYMES = frozenset("a ac ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu "
                       "ây e em en eo ep et ê êm ên êt êu i in inh it iu ữ o oc oi om on ong op ot ô ôc "
                       "ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt u uc un ung up ut ua uôc uôn uông ư ưa "
                       "ưng ươc ươm ươn ương ươt ng ếng ến ết êng m".split()) | frozenset({""})

_STOP_CODAS = ("c", "ch", "p", "t")

# Old tone placement (hoá, thuỷ) → the modern one the decrees print (hóa, thủy).
_TONE_PLACEMENT = (("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
                   ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
                   ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy"))
_PLACEMENT_RE = re.compile(
    "|".join(f"(?<![qQ]){re.escape(old)}(?![a-zA-Zà-ỹÀ-Ỹ])" for old, _ in _TONE_PLACEMENT)
    + "|" + "|".join(f"(?<![qQ]){re.escape(old[0].upper() + old[1:])}(?![a-zA-Zà-ỹÀ-Ỹ])"
                     for old, _ in _TONE_PLACEMENT),
)
_PLACEMENT_MAP = {**dict(_TONE_PLACEMENT),
                  **{o[0].upper() + o[1:]: n[0].upper() + n[1:] for o, n in _TONE_PLACEMENT}}

# Characters that look alike and are typed for one another in real files.
_CHAR_FIXES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u0110": "Đ", "\u00d0": "Đ", "\u0189": "Đ"})


def nfc(text: str) -> str:
    """Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def normalize(text: str) -> str:
    """NFC → character fixes → modern tone placement (``hoá`` → ``hóa``, ``Uỷ`` → ``Ủy``)."""
    text = nfc(text).translate(_CHAR_FIXES)
    return _PLACEMENT_RE.sub(lambda m: _PLACEMENT_MAP[m.group(0)], text)


def strip_diacritics(text: str) -> str:
    """Drop every tone and vowel mark, ``đ`` → ``d`` (what unaccented typing produces)."""
    out = unicodedata.normalize("NFD", text)
    out = "".join(c for c in out if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", out.replace("đ", "d").replace("Đ", "D"))


@lru_cache(maxsize=65536)
def split_tone(syllable: str) -> tuple[str, int]:
    """Split a syllable into its toneless form (quality marks kept) and tone 0..5."""
    tone = 0
    kept = []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def has_marks(token: str) -> bool:
    """True when the token carries any Vietnamese mark (tone, quality mark or đ)."""
    if "đ" in token or "Đ" in token:
        return True
    return any(unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFD", token))


@lru_cache(maxsize=131072)
def is_syllable(token: str) -> bool:
    """Whether ``token`` (letters only) is a well-formed Vietnamese syllable."""
    if not token or not token.isalpha():
        return False
    base, tone = split_tone(token.lower())
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if onset == "qu":
            ok = rhyme in _QU_RHYMES
        elif onset == "gi":
            ok = rhyme in _GI_RHYMES or rhyme in _RHYMES
        else:
            ok = rhyme in _RHYMES
        if ok and _tone_fits(rhyme, tone) and _onset_fits(onset, rhyme):
            return True
    return False


def _tone_fits(rhyme: str, tone: int) -> bool:
    # A syllable closed by a stop (c, ch, p, t) takes only the sắc or nặng tone.
    return not rhyme.endswith(_STOP_CODAS) or tone in (1, 5)


def _onset_fits(onset: str, rhyme: str) -> bool:
    # k/gh/ngh only before front vowels; c/g/ng never before them (spelling rules).
    front = rhyme[:1] in ("e", "ê", "i", "y")
    if onset in ("k", "gh", "ngh"):
        return front
    if onset in ("c", "ng"):
        return not front
    if onset == "g":
        return not front or rhyme.startswith("i")  # "gì" is spelt gi+ì
    return True


_TOKEN_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def letter_tokens(text: str) -> list[str]:
    """Runs of letters (what syllable statistics are computed over)."""
    return _TOKEN_RE.findall(text)
