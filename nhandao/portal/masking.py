"""Account numbers inside published transfer messages are masked but for their last three
digits ("CT tu 0101001222009 CAO VIET TUAN" → "CT tu **********009 CAO VIET TUAN"); the
campaign's own receiving accounts (published for giving) stay readable."""

import re

# A run of 6–19 digits after a word that introduces an account ("tu", "từ", "tk", "stk",
# "tai khoan", "toi", "from", "acc") or between colons ("Vietcombank:0011001932418:").
_ACCOUNT = re.compile(
    r"(?i)(?:(?<![\w])(?:t[uừ]|t[oớ]i|from|to|s?tk|t[aà]i\s+kho[aả]n|acc(?:ount)?|so\s+tk)"
    r"[\s:.#-]*|(?<=:))(\d{6,19})(?=\D|$)"
)


def mask_number(number: str) -> str:
    return "*" * (len(number) - 3) + number[-3:]


def mask_accounts(text: str, public_numbers=frozenset()) -> str:
    """The text with every account number masked except the public ones."""
    if not text:
        return ""

    def replace(match: re.Match) -> str:
        number = match.group(1)
        if number in public_numbers:
            return match.group(0)
        start = match.start(1) - match.start(0)
        return match.group(0)[:start] + mask_number(number)

    return _ACCOUNT.sub(replace, text)
