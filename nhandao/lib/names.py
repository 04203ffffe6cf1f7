"""Vietnamese names and phone numbers: parsing and checks shared by every register of
people (the beneficiary registry, members, volunteers, blood donors). No database.

A Vietnamese name is family name first, middle name(s), given name last. We keep the name
as typed (NFC) and its folded parts (lib.text.fold: no diacritics, lower case, đ→d), which
is what search and duplicate detection compare.
"""

import re
from dataclasses import dataclass

from nhandao.lib.text import nfc, search_key

# The commonest family names (≈ 95 % of people). Used only to recognise a name typed in
# Western order ("Hoa Nguyen" → family "nguyen", given "hoa").
COMMON_FAMILY_NAMES = frozenset(
    {
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui",
        "do", "ho", "ngo", "duong", "ly", "dinh", "dao", "trinh", "mai", "truong", "lam",
        "luong", "ha", "quach", "cao", "doan", "la", "kieu", "chu", "tang", "ton", "thai",
    }
)  # fmt: skip


@dataclass(frozen=True)
class NameParts:
    family: str
    middle: str
    given: str

    @property
    def key(self) -> str:
        return " ".join(p for p in (self.family, self.middle, self.given) if p)


def split_name(full_name: str | None) -> NameParts:
    """Folded family, middle and given names of a name as typed.

    "NGUYỄN  thị hoa" → (nguyen, thi, hoa); "Hoa Nguyen" (Western order) → (nguyen, "", hoa).
    """
    words = search_key(full_name).split()
    if not words:
        return NameParts("", "", "")
    if len(words) == 1:
        return NameParts("", "", words[0])
    if words[0] not in COMMON_FAMILY_NAMES and words[-1] in COMMON_FAMILY_NAMES:
        words = [words[-1], *words[:-1]]
    return NameParts(words[0], " ".join(words[1:-1]), words[-1])


def clean_full_name(full_name: str | None) -> str:
    """The name as typed, NFC with spaces collapsed; capitals typed in full become Title Case."""
    text = nfc(full_name)
    if text and text == text.upper():
        text = " ".join(w[:1] + w[1:].lower() for w in text.split())
    return text


def digits_only(value: str | None) -> str:
    return re.sub(r"[\s.\-]", "", str(value or "")).strip()


PHONE_RE = re.compile(r"^0\d{9,10}$")


def clean_phone(value: str | None) -> str:
    """A Vietnamese phone in national form (0xxxxxxxxx), or ValueError."""
    number = re.sub(r"[\s.\-()]", "", str(value or ""))
    if not number:
        return ""
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("84") and len(number) == 11:
        number = "0" + number[2:]
    if not PHONE_RE.match(number):
        raise ValueError(f"Số điện thoại “{value}” không hợp lệ (10 chữ số, bắt đầu bằng 0).")
    return number
