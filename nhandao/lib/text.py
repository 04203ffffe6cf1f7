"""Vietnamese text: one normalisation for search and matching, used everywhere.

SQLite's remove_diacritics and PostgreSQL's unaccent do not fold "đ" to "d", so every
searchable text is normalised here, in Python, and stored in a `*_key` column.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Đ and the letters typed for it: legacy fonts and converters write "Ðình" with Ð (U+00D0,
# the Icelandic eth), and the shared name lists hold it 181 times; Ɖ (U+0189) looks the same.
# None of them decomposes under NFD, so each is folded to d by hand, or "dinh" and "Đình"
# would not find "Ðình".
D_LETTERS = "đĐðÐɖƉ"
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def nfc(text: str | None) -> str:
    """Text as typed, in NFC form, spaces collapsed (what we store for display)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


class _FoldTable(dict):
    """code point → the character without its diacritics (đ→d): computed once per character,
    then str.translate() does a whole text in C. The public search folds every line of a
    result page; a loop over the characters of each text cost 60 µs per message."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in D_LETTERS:
            folded = "d"
        else:
            decomposed = unicodedata.normalize("NFD", ch)
            folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str | None) -> str:
    """Lower case, no diacritics, đ→d, spaces collapsed: "Nguyễn  ĐỨC" → "nguyen duc"."""
    if not text:
        return ""
    text = str(text)
    if not text.isascii():
        text = text.translate(_FOLD_TABLE)
    return _SPACES.sub(" ", text.lower()).strip()


class _UnaccentTable(_FoldTable):
    """Like the fold table, but a capital keeps its case: "Đ" → "D", "Ế" → "E"."""

    def __missing__(self, code: int) -> str:
        folded = super().__missing__(code)
        if chr(code).isupper():
            folded = self[code] = folded.upper()
        return folded


_UNACCENT_TABLE = _UnaccentTable()


def unaccent(text: str | None) -> str:
    """No diacritics, case and spacing kept: "Hội Chữ thập đỏ Đà Nẵng" → "Hoi Chu thap do Da
    Nang" (text messages: brand-name SMS gateways take only unaccented text)."""
    if not text:
        return ""
    text = str(text)
    return text if text.isascii() else text.translate(_UNACCENT_TABLE)


def search_key(text: str | None) -> str:
    """fold() and punctuation turned into spaces: the form stored in `*_key` columns."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", fold(text))).strip()


def search_terms(query: str | None) -> list[str]:
    """The words of a user's query, folded like the stored keys."""
    return [t for t in search_key(query).split(" ") if t]
