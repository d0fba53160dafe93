"""Offline text sources for the restoration model (read by scripts/build_restore_model.py).

Each source yields ``(name, text)``; SOURCES.md says what each contributes and its licence.
Only files already on disk are read: the seeds, underthesea's and pyvi's bundled lists and
corpus, wordfreq, and the Debian packages libreoffice-help-vi, manpages-vi, maint-guide-vi,
hunspell-vi and the Vietnamese .mo catalogues under /usr/share/locale/vi.
"""

from __future__ import annotations

import gettext
import gzip
import html
import re
from collections.abc import Iterator
from pathlib import Path

_TAG_RE = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S | re.I)
_ROFF_ESC = re.compile(r"\\f[BIRP]|\\\(..|\\[-&e]|\\s[-+]?\d")


def _uts() -> Path:
    import underthesea

    return Path(underthesea.__file__).parent


def seed_texts(shared: Path, exclude: set[str]) -> Iterator[tuple[str, str]]:
    """Clean seeds 000, 001, 003 and the gold reading of 004 (government domain)."""
    for path in sorted((shared / "seeds").glob("*.txt")):
        sid = path.name[:3]
        if sid in ("002", "004") or sid in exclude:
            continue
        yield f"seed-{sid}", path.read_text(encoding="utf-8")
    gold = shared / "restore" / "004.gold.txt"
    if "004" not in exclude and gold.exists():
        yield "seed-004", gold.read_text(encoding="utf-8")


def garbled_pairs(shared: Path, exclude: set[str]) -> Iterator[tuple[str, str]]:
    """Real OCR output beside its gold reading (only seed 004 has one)."""
    gold = shared / "restore" / "004.gold.txt"
    garbled = next((shared / "seeds").glob("004_*.txt"), None)
    if "004" not in exclude and gold.exists() and garbled is not None:
        yield garbled.read_text(encoding="utf-8"), gold.read_text(encoding="utf-8")


def vlsp_text() -> str:
    """Underthesea's bundled VLSP 2013 POS test output: news sentences, one word a line."""
    path = _uts() / "pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt"
    if not path.exists():
        return ""
    out: list[str] = []
    sent: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            if sent:
                out.append(" ".join(sent))
            sent = []
            continue
        sent.append(line.split("\t")[0])
    return "\n\n".join(out)


def _html_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    body = _TAG_RE.sub("\n", raw)
    return "\n".join(s.strip() for s in html.unescape(body).split("\n") if s.strip())


def libreoffice_help() -> str:
    """libreoffice-help-vi (MPL-2.0): ~2,500 help pages of general/technical prose."""
    root = Path("/usr/share/libreoffice/help/vi")
    return "\n\n".join(_html_text(p) for p in sorted(root.rglob("*.html")))


def maint_guide() -> str:
    """maint-guide-vi (GPL-2+/MIT): the Debian New Maintainers' Guide."""
    root = Path("/usr/share/doc/maint-guide-vi/html")
    return "\n\n".join(_html_text(p) for p in sorted(root.glob("*.vi.html"))) if root.exists() else ""


def manpages() -> str:
    """manpages-vi (GPL-3+): Vietnamese manual pages, roff requests dropped."""
    out = []
    for path in sorted(Path("/usr/share/man/vi").rglob("*.gz")):
        for line in gzip.open(path, "rt", encoding="utf-8", errors="replace"):
            if line.startswith((".", "'")) and not line.startswith((".B ", ".I ")):
                out.append("")
                continue
            out.append(_ROFF_ESC.sub("", line.removeprefix(".B ").removeprefix(".I ")).rstrip())
    return "\n".join(out)


# Catalogues of Debian's required/base packages, so every build machine reads the same text.
BASE_CATALOGUES = ("adduser", "apt", "bash", "coreutils", "diffutils", "dpkg", "findutils", "grep",
                   "libc", "sed", "tar")


def mo_catalogues(names: tuple[str, ...] | None = None) -> str:
    """Vietnamese translations shipped in /usr/share/locale/vi (each package's own licence)."""
    out = []
    root = Path("/usr/share/locale/vi/LC_MESSAGES")
    paths = [root / f"{n}.mo" for n in names] if names else sorted(root.glob("*.mo"))
    for path in paths:
        if not path.exists():
            continue
        try:
            with path.open("rb") as f:
                cat = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        except Exception:  # a malformed catalogue is skipped, not fatal
            continue
        for msg in cat.values():
            out.append(re.sub(r"%\w|&|_", "", str(msg)))
    return "\n\n".join(out)


def word_lists() -> list[str]:
    """Viet74K (underthesea, GPL-3) and pyvi's words.txt (MIT): one word a line."""
    import pyvi

    words = []
    for path in (_uts() / "corpus/data/Viet74K.txt", Path(pyvi.__file__).parent / "models/words.txt"):
        if path.exists():
            words += [w.strip().replace("_", " ") for w in path.read_text(encoding="utf-8").split("\n")]
    return [w for w in words if w]


def wordfreq_syllables() -> dict[str, float]:
    """Wordfreq's Vietnamese frequency list (CC-BY-SA 4.0): syllable → frequency."""
    from wordfreq import get_frequency_dict

    return dict(get_frequency_dict("vi"))


def admin_names() -> str:
    """Vietnam's provinces, districts and wards from underthesea's address data (GPL-3.0).

    Written the way plans cite them (``tỉnh Lai Châu``, ``huyện Phong Điền``), so place
    names are known syllable sequences and their capitals count as names.
    """
    import json

    path = _uts() / "address/data/mapping.json"
    if not path.exists():
        return ""
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {v["name"] for key in ("province_names", "old_province_names") for v in data[key].values()}
    for row in data["ward_mapping"]:
        names.update(row.get(k) or "" for k in ("old_province", "old_district", "old_ward", "new_ward"))
    out = []
    for name in sorted(n for n in names if n):
        unit, _, rest = name.partition(" ")
        if unit == "Thành" and rest.startswith("phố "):
            unit, rest = "Thành phố", rest[4:]
        out.append(f"{unit.lower()} {rest}")
    return "\n\n".join(out)
