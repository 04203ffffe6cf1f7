"""What the lines of one bank account say whoever sent the money (issue #24, item 2).

On the shared Vietcombank file a fifth of the lines end "CT tu … toi 0011001932418 MAT TRAN TO
QUOC VN - BAN CUU TRO TW" (the receiving account's holder, written by the sender's bank), half
hold "ung ho", most Agribank lines "ung ho cac tinh bi bao lu". To the public search those words
are no evidence of who sent the line: "tran van nam" matched every line of the account's name.

Learned at import, per account, as data (BankAccount.search_boilerplate): the **phrases** that
run through the account's lines. A word is *frequent* when at least WORD_SHARE of the account's
lines hold it; a phrase is a maximal run of consecutive frequent words in a line; it is kept
when at least PHRASE_SHARE of the lines hold that run and at most NAME_SHARE of the senders'
names extracted from the same lines hold it (so "nguyen", "thi", "nguyen thi" — frequent, but
names — are never boilerplate, while "toi 0011001932418 mat tran to quoc vn ban cuu tro tw",
"chuyen tien", "ung ho" are). A run does not begin or end with a frequent word of the senders'
names (NGUYEN THI HOA chuyen tien: "chuyen tien", not "thi hoa chuyen tien"); a phrase of one
word ("mbvcb") is in no sender's name at all. Phrases, not
words: "tran" of the account's name is boilerplate, "tran" of TRAN VAN NAM is not. The public
search (portal/search.py) checks a query's words on each line with these phrases taken out.

Learned again from the account's lines after every import (the same lines give the same phrases:
idempotent; a re-imported file adds no line and changes nothing). A large account is read in
BLOCKS blocks of ids spread over it, LEARN_LINES lines in all, always the same for the same lines.
"""

import re
from collections import Counter

from django.db import connection

WORD_SHARE = 0.10  # measured: the account's name is on 21 % (VCB) and 16 % (Agribank) of lines
PHRASE_SHARE = 0.05
NAME_SHARE = 0.01  # "bao" is in 1.5 % of senders' names, "tran" 10 %, "ung ho" none
NAMING = 0.5  # a frequent word as common among the names as half its share of the lines
MIN_LINES = 200  # fewer lines than this tell nothing: nothing is learned
MAX_PHRASES = 20
LEARN_LINES = 20_000
BLOCKS = 40
# what a phrase may hold: folded words (lib.text.search_key) — the search writes them into SQL
PHRASE_TEXT = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")


def phrases_of(texts: list[str], names: list[str]) -> list[str]:
    """The boilerplate phrases of one account's folded messages (`texts`, each a line's
    description_key) and its senders' folded names (`names`, the lines' non-empty donor_key),
    longest first (the order the search takes them out in)."""
    if len(texts) < MIN_LINES:
        return []
    lines = [text.replace("_", " ").split() for text in texts]
    seen = Counter()
    for words in lines:
        seen.update(set(words))
    frequent = {w for w, n in seen.items() if n >= WORD_SHARE * len(lines)}
    in_names = Counter()
    for name in names:
        in_names.update(set(name.split()))
    # words of senders' names: a run does not start or end with one ("thi hoa toi 0011… tw"
    # of NGUYEN THI HOA is "toi 0011… tw"), though one may be inside ("… mat tran to quoc …").
    # A name's word is at least half as common among the names as among the lines ("thi":
    # 42 % of names, 26 % of lines; "tran" 11 % and 26 %, "chuyen" 2.4 % and 34 %: not names)
    naming = {
        w for w in frequent if in_names[w] * len(lines) >= NAMING * seen[w] * max(len(names), 1)
    }
    runs = Counter()
    for words in lines:
        found, run = set(), []
        for word in [*words, None]:
            if word in frequent:
                run.append(word)
                continue
            while run and run[0] in naming:
                run.pop(0)
            while run and run[-1] in naming:
                run.pop()
            if run:
                found.add(" ".join(run))
            run = []
        runs.update(found)
    padded = [f" {name} " for name in names]
    kept = []
    for phrase, n in runs.most_common():
        if n < PHRASE_SHARE * len(lines) or len(kept) == MAX_PHRASES:
            break
        in_names = sum(f" {phrase} " in name for name in padded)
        # a phrase of one word is taken out wherever it stands: never a word of a sender's name
        allowed = 0 if " " not in phrase else NAME_SHARE * len(padded)
        if in_names <= allowed and PHRASE_TEXT.match(phrase):
            kept.append(phrase)
    return sorted(kept, key=lambda p: (-len(p.split()), p))


def _lines_of(bank_account_id: int) -> tuple[list[str], list[str]]:
    """(folded messages, folded senders' names) of the account's lines, or of LEARN_LINES of
    them in BLOCKS blocks of ids spread evenly over the account."""
    table = "donations_statementline"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MIN(id), MAX(id) FROM {table} WHERE bank_account_id = %s",  # noqa: S608
            [bank_account_id],
        )
        count, low, high = cursor.fetchone()
        if not count:
            return [], []
        if count <= LEARN_LINES:
            spans = [(low, high)]
        else:
            # ids per block, so that the blocks hold about LEARN_LINES of the account's lines
            width = max(1, (high - low + 1) * LEARN_LINES // count // BLOCKS)
            step = (high - low + 1) // BLOCKS
            spans = [(low + i * step, low + i * step + width - 1) for i in range(BLOCKS)]
        texts, names = [], []
        for start, end in spans:
            cursor.execute(
                f"SELECT description_key, donor_key FROM {table} "  # noqa: S608
                # by the id range (the primary key), not the account's index: "+ 0"
                "WHERE id BETWEEN %s AND %s AND bank_account_id + 0 = %s",
                [start, end, bank_account_id],
            )
            for text, name in cursor.fetchall():
                texts.append(text or "")
                if name:
                    names.append(name)
    return texts, names


def learn(bank_account_id: int) -> list[str]:
    """Learn the account's boilerplate phrases from its lines and keep them with the account
    (written only when they changed). Returns them."""
    from nhandao.donations.models import BankAccount

    phrases = phrases_of(*_lines_of(bank_account_id))
    accounts = BankAccount.objects.filter(pk=bank_account_id)
    if list(accounts.values_list("search_boilerplate", flat=True)) != [phrases]:
        accounts.update(search_boilerplate=phrases)
    return phrases


def learn_all() -> dict[int, list[str]]:
    """Learn every account that has lines (the bench's bulk-loaded database, a migration)."""
    from nhandao.donations.models import BankAccount

    ids = BankAccount.objects.filter(lines__isnull=False).distinct().order_by("pk")
    return {pk: learn(pk) for pk in ids.values_list("pk", flat=True)}
