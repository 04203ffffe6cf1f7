"""Tra cứu sao kê: search the public statement lines, fast at millions of lines.

Words are matched on the stored folded message (`description_key`, made with
lib.text.search_key), so "nguyen van a" finds "NGUYỄN VĂN A" and "duc" finds "Đức". Words
match whole words; the last word, from PREFIX_MIN letters, also matches as a prefix. A word
held by the boilerplate of the line's account (its holder's name, the banks' routing text:
donations/boilerplate.py) is matched outside it (boilerplate_plan).

How it stays fast (figures in docs/benchmarks.md, bench/bench_portal_search.py):
- every page is a keyset page (sorted by date or by amount; the keys are indexed, see
  migrations/0001) with LIMIT, never OFFSET;
- how common a query is, is estimated on an in-memory sample of lines, kept as a small
  inverted index (never counted): a common query walks the sort index and checks the
  words on each row (a page of "nguyen van" is found in a few hundred rows); a rarer one
  goes through the words index (SQLite FTS5 `portal_line_fts`, PostgreSQL GIN on
  to_tsvector('simple', …); never the planner's choice of a trigram index), and its total
  is counted in the same query;
- a last-word prefix that many words share ("nguyen"*) is checked on the lines the other
  words found rather than merged in the index (index_terms);
- reference fragments: SQLite FTS5 trigram index, PostgreSQL pg_trgm (a reference written
  in the message is found by the words index, as a word prefix); a rare fragment is
  counted in the page query;
- other totals are counted only up to COUNT_CAP ("hơn 1.000 dòng");
- every query runs under a time budget (SQLite progress handler, PostgreSQL
  statement_timeout): a query that would take too long returns a Vietnamese message;
- the same public query, once asked twice, is answered from the cache for RESULT_SECONDS
  (run_cached).
"""

import bisect
import hashlib
import random
import re
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.cache import cache
from django.db import OperationalError, connection, transaction

from nhandao.donations.boilerplate import PHRASE_TEXT
from nhandao.lib.text import search_key
from nhandao.portal import sources
from nhandao.portal.masking import mask_accounts

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
COUNT_CAP = 1000
SCAN_SHARE = 0.001  # a query held by ≥ 0.1 % of lines: walk the sort index, check each row
SAMPLE_ROWS = 10_000  # lines sampled to estimate that share
PREFIX_MIN = 6
# Checking a line found by the index costs about as much as merging 25 entries of a
# prefix's lists, or reading 120 entries of a whole word's list (SQLite, 2M lines: "tran",
# 487,000 entries, 4.4 ms; 964 lines checked for it, 1.1 ms)
ROW_CHECK_COST = 25
WORD_CHECK_COST = 120
VERY_COMMON = 0.02  # a whole word held by this share of lines may be checked, not looked up
# the other part of a ranked search gathers and ranks its lines up to this many (estimated):
# SCAN_SHARE of 2 million lines, where the words index was measured to answer in time
RANK_LINES = 2_000
ESTIMATE_ABOVE = 50_000  # lines: above this, common queries are estimated, not counted
PAGE_BUDGET = 0.5  # seconds
COUNT_BUDGET = 0.25
PROGRESS_STEP = 20_000  # SQLite VM steps between two looks at the clock
SORTS = {
    "rank": "Phù hợp nhất trước",
    "-date": "Mới nhất trước",
    "date": "Cũ nhất trước",
    "-amount": "Số tiền lớn nhất trước",
    "amount": "Số tiền nhỏ nhất trước",
}
_CURSOR = re.compile(r"^([enwpr]?)(\d{4}-\d{2}-\d{2})\.(-?\d{1,19})\.(\d{1,19})$")
# The ranked search's tiers (run_ranked): the cursor's letter → rank. The sender part: "e" the
# sender's name is the words, "n" it starts with them; the other part: see _tiers
NAME_TIERS = {"e": 0, "n": 1}
OTHER_TIERS = {"w": 2, "p": 3, "r": 4}
TIER_RANK = {**NAME_TIERS, **OTHER_TIERS}
RANK_TIER = {rank: letter for letter, rank in TIER_RANK.items()}


class SearchTooBroad(Exception):
    pass


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    reference: str = ""
    amount: int | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    campaign: object = None  # a public Campaign
    direction: str = ""  # "C", "D" or "" for both
    sort: str = "rank"  # "rank": see run_ranked(); without words, newest first
    after: tuple | None = None  # (booked_on, amount, id) of the last line of the previous page
    limit: int = PAGE_SIZE
    # the ranked search's parts (run_ranked): "name" only the lines whose sender's name starts
    # with the typed words; "other" every other match, itself ranked in tiers when its lines
    # come from an index (see _tiers); "" both (no ranking)
    part: str = ""
    # which part and tier the cursor `after` belongs to: "n" the name part; in the other part
    # "w" every word in the sender's name, "p" the phrase in the message, "r" the rest
    tier: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.words
            or self.reference
            or self.amount is not None
            or self.amount_min is not None
            or self.amount_max is not None
            or self.date_from
            or self.date_to
        )


@dataclass
class Result:
    lines: list = field(default_factory=list)
    next_cursor: str = ""
    count: int | None = None  # exact when ≤ COUNT_CAP
    count_more: bool = False  # more than COUNT_CAP (or too many to count in time)
    estimate: int | None = None  # a common query: estimated from a sample, never counted
    # not counted in time: at least this many (the page and the line after it), never a
    # "more than 1,000" that was not counted
    count_at_least: int | None = None
    message: str = ""
    # many matches: what to add to narrow them ("thêm số tiền", "thêm ngày chuyển")
    advice: str = ""
    elapsed_ms: float = 0.0
    # "có phải bạn tìm …": the words with a typo corrected or glued words split
    suggestion: str = ""

    @property
    def count_text(self) -> str:
        if self.estimate is not None:
            return f"khoảng {self.estimate:,} dòng (ước tính)".replace(",", ".")
        if self.count_at_least is not None:
            return f"ít nhất {self.count_at_least:,} dòng (chưa đếm xong)".replace(",", ".")
        if self.count_more:
            return f"hơn {COUNT_CAP:,} dòng".replace(",", ".")
        if self.count is None:
            return ""
        return f"{self.count:,} dòng".replace(",", ".")


def encode_cursor(row, tier: str = "") -> str:
    return f"{tier}{row['booked_on'].isoformat()}.{row['amount']}.{row['pk']}"


def decode_cursor(text: str) -> tuple | None:
    """(booked_on, amount, id) or None when the text is not a cursor we made."""
    found = decode_tiered(text)
    return found[1] if found else None


def decode_tiered(text: str) -> tuple[str, tuple] | None:
    """(tier, (booked_on, amount, id)): the tier ("n", "w", "p" or "r") of a ranked search,
    or "".
    """
    match = _CURSOR.match((text or "").strip())
    if not match:
        return None
    try:
        key = date.fromisoformat(match.group(2)), int(match.group(3)), int(match.group(4))
    except ValueError:
        return None
    return match.group(1), key


# --- time budget ---------------------------------------------------------------------------


class _Budget:
    """Run queries on the default connection, each aborted after `seconds`
    (`with _Budget(0.5, enable_seqscan="off") as budget: rows = budget.fetchall(sql, params)`)."""

    def __init__(self, seconds: float, **pg_settings):
        self.seconds = seconds
        self.pg_settings = pg_settings  # PostgreSQL: more settings for this transaction
        self._atomic = None

    def __enter__(self):
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            deadline = time.monotonic() + self.seconds
            connection.connection.set_progress_handler(
                lambda: 1 if time.monotonic() > deadline else 0, PROGRESS_STEP
            )
        elif connection.vendor == "postgresql" and connection.in_atomic_block:
            # Inside the caller's transaction (a test, an atomic view): a savepoint, so that a
            # query over its budget does not abort the caller's transaction.
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
        # Otherwise (autocommit: a web request) no BEGIN and COMMIT, two round trips fewer:
        # PostgreSQL runs the message of settings and query (fetchall) as one implicit
        # transaction, so the settings last for that message only.
        return self

    def fetchall(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute(sql, params)
                return cursor.fetchall()
            # SET LOCAL in the same round trip as the query: one round trip fewer per search.
            # psycopg sends both in one message with client-side binding (Django's default;
            # OPTIONS server_side_binding would refuse two statements), and the timeout
            # applies to each statement.
            # JIT-compiling a plan costs 100+ ms, more than any of these queries; parallel
            # workers take ~30 ms to start: longer than a first page.
            settings = {
                "jit": "off",
                "max_parallel_workers_per_gather": "0",
                "statement_timeout": str(max(1, int(self.seconds * 1000))),
                **self.pg_settings,
            }
            calls = ", ".join("set_config(%s, %s, true)" for _ in settings)
            cursor.execute(
                f"SELECT {calls}; {sql}", [x for pair in settings.items() for x in pair] + params
            )
            cursor.nextset()
            return cursor.fetchall()

    def __exit__(self, exc_type, exc, tb):
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(None, 0)
        elif self._atomic is not None:
            self._atomic.__exit__(exc_type, exc, tb)
        if exc_type is not None and issubclass(exc_type, OperationalError):
            raise SearchTooBroad() from exc
        return False


# --- building the query --------------------------------------------------------------------


def _day(day: date):
    """A date parameter: ISO text for SQLite, a date for PostgreSQL (a text parameter there
    would compare the column as text, past its index)."""
    return day.isoformat() if connection.vendor == "sqlite" else day


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A word of the query checked on a line's folded message, as a whole word (or, for a prefix,
# the start of one): the pattern comes from _word_pattern().
# "_" splits words as in the words indexes (FTS5 unicode61, PostgreSQL's 'simple' parser): a
# MoMo "NGUYEN_0901234567" holds the word "nguyen" whichever way the line is found (issue #24)
LINE_TEXT = "(' ' || replace(l.description_key, '_', ' ') || ' ')"
WORD_ON_LINE = f"{LINE_TEXT} LIKE %s ESCAPE '\\'"


def _on_line(text_sql: str) -> str:
    """A word's check on the line's text as `text_sql` gives it (LINE_TEXT, or the text without
    the account's boilerplate: _line_text)."""
    return f"{text_sql} LIKE %s ESCAPE '\\'"


def _strip(text: str, phrases) -> str:
    """A folded message as the search reads it: " " around, "_" a space, and without these
    boilerplate phrases (the same as _line_text's SQL: replace() of " phrase " by " ")."""
    padded = " " + text.replace("_", " ") + " "
    for phrase in phrases:
        padded = padded.replace(f" {phrase} ", " ")
    return padded


def _holds(phrase: str, word: str, prefix: bool) -> bool:
    return any(w == word or (prefix and w.startswith(word)) for w in phrase.split())


def _typed_boilerplate(words: list[str], phrases: set[str]) -> set[int]:
    """The typed words that, with their neighbours, spell a piece of two words or more of a
    boilerplate phrase, or a whole one-word phrase ("ung ho", "chuyen tien", "mat tran",
    "mbvcb"): the donor typed the routing text itself; those are looked for as typed."""
    padded = [f" {p} " for p in phrases]
    found = set()
    for i in range(len(words)):
        if f" {words[i]} " in padded:
            found.add(i)
        for j in range(i + 2, len(words) + 1):
            piece = f" {' '.join(words[i:j])} "
            if not any(piece in p for p in padded):
                break
            found.update(range(i, j))
    return found


def boilerplate_plan(words: list[str]) -> tuple[dict[int, tuple], frozenset]:
    """How the typed words meet the accounts' boilerplate phrases (donations/boilerplate.py):
    (account id → its phrases that hold one of the words to check without them, the positions
    of those words). Such a word ("tran" of "tran van nam", held by "… mat tran to quoc vn …")
    is evidence only outside the phrases: it is checked on the line with them taken out. Not
    so for a query of one word, nor for the routing text typed as such (_typed_boilerplate):
    those are looked for as typed."""
    sample = _sample()
    if len(words) < 2 or not sample.boilerplate:
        return {}, frozenset()
    phrases = {p for found in sample.boilerplate.values() for p in found}
    typed = _typed_boilerplate(words, phrases)
    evidence = frozenset(
        i
        for i, w in enumerate(words)
        if i not in typed and any(_holds(p, w, is_prefix(words, i)) for p in phrases)
    )
    out = {}
    for account, held in sample.boilerplate.items():
        found = tuple(
            p for p in held if any(_holds(p, words[i], is_prefix(words, i)) for i in evidence)
        )
        if found:
            out[account] = found
    return out, evidence


def _line_text(relevant: dict[int, tuple]) -> str:
    """The line's text as SQL, for checking the words of boilerplate_plan(): LINE_TEXT, with
    each account's phrases (`relevant`) taken out (replace(), a CASE on the account). The
    phrases are folded words only (boilerplate.PHRASE_TEXT, checked again here), written into
    the SQL as literals; a name holding no boilerplate word costs nothing."""
    by_phrases: dict = {}
    for account, phrases in relevant.items():
        by_phrases.setdefault(phrases, []).append(int(account))
    cases = []
    for phrases, accounts in sorted(by_phrases.items()):
        text = LINE_TEXT
        for phrase in phrases:
            if PHRASE_TEXT.match(phrase):
                text = f"replace({text}, ' {phrase} ', ' ')"
        ids = ", ".join(str(a) for a in sorted(accounts))
        cases.append(f"WHEN l.bank_account_id IN ({ids}) THEN {text}")
    if not cases:
        return LINE_TEXT
    return f"(CASE {' '.join(cases)} ELSE {LINE_TEXT} END)"


def _word_pattern(word: str, prefix: bool) -> str:
    return f"% {_like_escape(word)}{'%' if prefix else ' %'}"


def is_prefix(words: list[str], i: int) -> bool:
    """Whole words match whole words of the message; only the last word, when it has at
    least PREFIX_MIN letters, also matches the start of a longer word ("ft2425612" finds
    "ft24256123456789"). Short prefixes would merge thousands of index terms (measured:
    "hung"* costs 40 ms more than "hung" over 2 million lines)."""
    return i == len(words) - 1 and len(words[i]) >= PREFIX_MIN


# --- how common is a query? A sample of lines kept in memory -------------------------------

_SAMPLE: dict = {}


@dataclass
class Sample:
    """About SAMPLE_ROWS lines in random blocks, as an inverted index: word → the sample rows
    holding it. An estimate is a few set intersections (a loop over the 10,000 rows cost
    8–14 ms per query)."""

    expires: float
    rows: int
    total: int  # lines in the table (the span of ids)
    words: dict = field(default_factory=dict)  # word → frozenset of row numbers
    vocabulary: list = field(default_factory=list)  # the words, sorted (for prefixes)
    references: str = ""  # the upper-cased references, one per line
    # references made of two runs around one mark: mark → (longest run before, after)
    shapes: dict = field(default_factory=dict)
    # each account's boilerplate phrases (donations/boilerplate.py)
    boilerplate: dict = field(default_factory=dict)
    # the words of the lines without their account's boilerplate phrases (as `words`): what a
    # query whose words are checked without them (_line_text) matches
    clean_words: dict = field(default_factory=dict)
    clean_vocabulary: list = field(default_factory=list)

    def holding(self, word: str, prefix: bool, clean: bool = False) -> frozenset:
        words, vocabulary = (
            (self.clean_words, self.clean_vocabulary) if clean else (self.words, self.vocabulary)
        )
        if not prefix:
            return words.get(word, frozenset())
        found = set()
        i = bisect.bisect_left(vocabulary, word)
        while i < len(vocabulary) and vocabulary[i].startswith(word):
            found |= words[vocabulary[i]]
            i += 1
        return frozenset(found)


def _sample() -> Sample:
    """The sample of this database (kept 10 minutes per process)."""
    key = (connection.vendor, connection.settings_dict.get("NAME"))
    found = _SAMPLE.get(key)
    if found and found.expires > time.monotonic():
        return found
    texts, references, accounts = [], [], []
    table = sources.lines_table()
    with connection.cursor() as cursor:
        # two subqueries: SQLite answers MIN and MAX from the index only one at a time
        cursor.execute(f"SELECT (SELECT MIN(id) FROM {table}), (SELECT MAX(id) FROM {table})")  # noqa: S608
        low, high = cursor.fetchone()
        if low is not None:
            rng = random.Random(high)
            block = SAMPLE_ROWS // 10
            for _ in range(10):
                start = rng.randint(low, max(low, high - block))
                cursor.execute(
                    f"SELECT description_key, reference, bank_account_id FROM {table} "  # noqa: S608
                    "WHERE id BETWEEN %s AND %s",
                    [start, start + block - 1],
                )
                for text, reference, account in cursor.fetchall():
                    texts.append(text)
                    references.append((reference or "").upper())
                    accounts.append(account)
    boilerplate = sources.boilerplate_phrases()
    shapes: dict = {}
    for reference in references:
        match = _PUNCTUATED.match(reference)
        if match:
            left, right = shapes.get(match.group(2), (0, 0))
            shapes[match.group(2)] = (
                max(left, len(match.group(1))),
                max(right, len(match.group(3))),
            )
    words: dict = {}
    clean: dict = {}
    for row, (text, account) in enumerate(zip(texts, accounts, strict=True)):
        for word in set(text.split()):
            words.setdefault(word, []).append(row)
        for word in set(_strip(text, boilerplate.get(account, ())).split()):
            clean.setdefault(word, []).append(row)
    sample = Sample(
        expires=time.monotonic() + 600,
        rows=len(texts),
        total=(high - low + 1) if low is not None else 0,
        words={w: frozenset(rows) for w, rows in words.items()},
        vocabulary=sorted(words),
        references="\n".join(references),
        shapes=shapes,
        boilerplate=boilerplate,
        clean_words={w: frozenset(rows) for w, rows in clean.items()},
        clean_vocabulary=sorted(clean),
    )
    _SAMPLE[key] = sample
    return sample


def common_share(words: list[str]) -> float:
    """The share of lines (0..1) holding every word, estimated on the sample; outside the
    boilerplate of their accounts when the words are checked so (_line_text): "tran van nam"
    is no longer as common as the account's name "MAT TRAN …"."""
    evidence = boilerplate_plan(words)[1]
    return terms_share([(w, is_prefix(words, i)) for i, w in enumerate(words)], evidence)


def terms_share(terms: list[tuple[str, bool]], clean: frozenset = frozenset()) -> float:
    """The share of lines holding every (word, as a prefix?) term, estimated on the sample:
    the terms at the positions `clean` without their accounts' boilerplate phrases, the
    others as the words index holds them."""
    sample = _sample()
    if not sample.rows or not terms:
        return 0.0
    sets = sorted(
        (sample.holding(w, prefix, i in clean) for i, (w, prefix) in enumerate(terms)), key=len
    )
    rows = set(sets[0])
    for other in sets[1:]:
        if not rows:
            break
        rows &= other
    return len(rows) / sample.rows


def index_terms(words: list[str]) -> list[tuple[str, bool]]:
    """The terms to look up in the words index; the others are checked on each line found.
    A prefix ("nguyen"*) makes the index merge the lists of every word that starts with it
    (400,000 lines for "nguyen"*: 150–200 ms), and a word held by a large share of the lines
    ("ung", "ho", "bao": over half; "tran": a quarter) makes it read a list of half a million
    lines. When the other terms alone are rare enough that checking their lines costs less
    than reading that list, the index looks up only them (LE HANH NGUYEN: 170 → 13 ms; TRAN
    DUC MANH: 5.9 → 2.4 ms; LE VAN NAM keeps "van": 6.7 ms, 17.7 without)."""
    terms = [(w, is_prefix(words, i)) for i, w in enumerate(words)]
    # the most costly first: a prefix, then the commonest words
    for term in sorted(terms, key=lambda t: (not t[1], -terms_share([t]))):
        rest = [t for t in terms if t != term]
        if not rest:
            break
        prefix, share = term[1], terms_share([term])
        if not prefix and share < VERY_COMMON:
            break
        if terms_share(rest) * (ROW_CHECK_COST if prefix else WORD_CHECK_COST) < share:
            terms = rest
    return terms


def reference_share(fragment: str) -> float:
    """The share of lines whose reference holds this fragment, estimated on the sample."""
    sample = _sample()
    if not sample.rows:
        return 0.0
    fragment = fragment.upper()
    # occurrences in the joined text: a reference holding the fragment twice counts twice,
    # close enough for an estimate, and one C loop instead of 10,000 `in` tests (1–2 ms)
    return sample.references.count(fragment) / sample.rows


_PUNCTUATED = re.compile(r"^([0-9A-Za-z]+)([./:-])([0-9A-Za-z]+)$")
MAX_VARIANTS = 12


def reference_variants(typed: str) -> list[str]:
    """The forms a reference typed without its punctuation may have in the statements:
    "891227" → "891227", "89.1227", "8912.27", … — one mark inserted where the sample's
    references carry one (Vietcombank "5213.45946": four digits, a dot, five), so that
    "521345946" finds "5213.45946". A reference typed with its marks is looked up as typed."""
    if not typed.isalnum() or len(typed) < 6:
        return [typed]
    shapes = _sample().shapes
    found = [typed]
    for mark, (left, right) in sorted(shapes.items()):
        for i in range(1, len(typed)):
            if i <= left and len(typed) - i <= right:
                found.append(typed[:i] + mark + typed[i:])
    return found[:MAX_VARIANTS]


def _fts_match(terms: list[tuple[str, bool]]) -> str:
    return " AND ".join(f'"{w}"*' if prefix else f'"{w}"' for w, prefix in terms)


@dataclass
class Plan:
    source: str
    conds: list
    params: list
    mode: str = "plain"  # "scan": walk the sort index; "index": rows come from an FTS subquery
    share: float | None = None  # estimated share of lines holding the words
    # the other part of a ranked search whose lines come from an index: (SQL, params) of each
    # line's tier (TIER_RANK: the sender part's e/n, the other part's w/p/r, _tiers)
    rank: tuple | None = None


def _where(q: Query, hidden: list[int], drafts: list[int]) -> Plan:
    """The FROM clause, WHERE conditions and params for everything but the keyset."""
    sqlite = connection.vendor == "sqlite"
    table = sources.lines_table()
    conds, params = [], []
    if hidden:
        conds.append(f"l.bank_account_id NOT IN ({', '.join(['%s'] * len(hidden))})")
        params += hidden
    if drafts:
        conds.append(
            f"(l.campaign_id IS NULL OR l.campaign_id NOT IN ({', '.join(['%s'] * len(drafts))}))"
        )
        params += drafts
    if q.campaign is not None:
        ids = q.campaign.subtree_ids()
        conds.append(f"l.campaign_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if q.direction:
        conds.append("l.direction = %s")
        params.append(q.direction)
    if q.amount is not None:
        conds.append("l.amount = %s")
        params.append(q.amount)
    if q.amount_min is not None:
        conds.append("l.amount >= %s")
        params.append(q.amount_min)
    if q.amount_max is not None:
        conds.append("l.amount <= %s")
        params.append(q.amount_max)
    if q.date_from:
        conds.append("l.booked_on >= %s")
        params.append(_day(q.date_from))
    if q.date_to:
        conds.append("l.booked_on <= %s")
        params.append(_day(q.date_to))

    index, mode, share = "", "plain", None
    if q.part and q.words:
        name_cond, name_params = _name_condition(q.words)
        if q.part == "name":
            # the sender's name starts with the typed words: its index gives every match
            conds.append(name_cond)
            params += name_params
            source = f"{table} l INDEXED BY portal_line_donor" if sqlite else f"{table} l"
            # every match is gathered from that index: the sender's name equal to the words
            # first ("nguyen thi xuan" before "nguyen thi xuan mai"), a rank as the other
            # part's (the self-check's misses were such names, docs/benchmarks.md)
            exact = "l.donor_key" if sqlite else 'l.donor_key COLLATE "C"'
            rank = (f"(CASE WHEN {exact} = %s THEN 0 ELSE 1 END)", [" ".join(q.words)])
            return Plan(source, conds, params, "name", None, rank)
        conds.append(f"NOT {name_cond}")
        params += name_params
    if q.reference:
        ref = _like_escape(q.reference)
        token = search_key(q.reference)
        in_message = " " not in token and len(token) >= 6
        if sqlite:
            # no ESCAPE: FTS5's trigram index serves only a plain LIKE (the form lets no % in)
            # typed without its marks: each form it may have (reference_variants)
            variants = reference_variants(q.reference)
            sub = " UNION ".join(
                ["SELECT rowid FROM portal_ref_fts WHERE reference LIKE %s"] * len(variants)
            )
            params += [f"%{v}%" for v in variants]
            if in_message:
                sub += " UNION SELECT rowid FROM portal_line_fts WHERE portal_line_fts MATCH %s"
                params.append(f'"{token}"*')
            conds.append(f"l.id IN ({sub})")
            mode = "index"
        else:
            # PostgreSQL: the trigram index holds the reference's letters and digits,
            # lower-cased (reference_key, migrations 0003 and 0004): pg_trgm cuts words at
            # dots and dashes, so "70.353" was looked up by the trigram "353" alone. The index
            # finds candidates by the bare fragment; the reference is then checked as typed.
            bare = re.sub(r"[^0-9A-Za-z]+", "", q.reference).lower()
            # typed without marks, 6+ characters ("521345946"): the bare key alone, which finds
            # "5213.45946" (as reference_variants() on SQLite; a shorter fragment as typed)
            ref_cond, ref_params = (
                ("l.reference_key LIKE %s", [f"%{bare}%"])
                if len(bare) >= 6 and q.reference.isalnum()
                else (
                    "(l.reference_key LIKE %s AND l.reference ILIKE %s)",
                    [f"%{bare}%", f"%{ref}%"],
                )
                if len(bare) >= 3
                else ("l.reference ILIKE %s", [f"%{ref}%"])
            )
            if in_message:
                # as on SQLite: a fragment of the reference, or a word of the message starting
                # with it (the words index; the message has no trigram index: migration 0002)
                conds.append(
                    f"({ref_cond} OR to_tsvector('simple', l.description_key)"
                    " @@ to_tsquery('simple', %s))"
                )
                params += [*ref_params, f"{token}:*"]
            else:
                conds.append(ref_cond)
                params += ref_params
        if not sqlite and reference_share(q.reference) < SCAN_SHARE:
            # a rare fragment: the trigram index gathers every match anyway, so the page
            # query counts them too (a second, counting query cost as much again)
            mode = "index"
    if q.words:
        # a typed word held by its account's boilerplate is checked on the line without it
        # (boilerplate_plan), also when the words index found the line by it
        relevant, evidence = boilerplate_plan(q.words)
        stripped = _line_text(relevant)
        share = common_share(q.words)
        scan = share >= SCAN_SHARE
        if scan and q.part == "other" and share * _sample().total <= RANK_LINES:
            # few enough to gather from the words index and rank (_tiers), as a rarer query
            scan = False
        terms = index_terms(q.words) if not scan else []
        if sqlite and not scan:
            mode = "index"
            conds.append(
                "l.id IN (SELECT rowid FROM portal_line_fts WHERE portal_line_fts MATCH %s)"
            )
            params.append(_fts_match(terms))
            for i, w in enumerate(q.words):  # the terms left out, checked on each line found
                prefix = is_prefix(q.words, i)
                if (w, prefix) not in terms or i in evidence:
                    conds.append(_on_line(stripped if i in evidence else LINE_TEXT))
                    params.append(_word_pattern(w, prefix))
        else:
            # Whole words, checked on each line: a common query walks the sort index with
            # these alone; on PostgreSQL they also check the words index's candidates (its
            # parser cuts words at "_", the stored key does not). LIKE rather than a regular
            # expression: 1.2 ms less for a name of three words and 300 candidate lines.
            for i, w in enumerate(q.words):
                conds.append(_on_line(stripped if i in evidence else LINE_TEXT))
                params.append(_word_pattern(w, is_prefix(q.words, i)))
            if not sqlite and not scan:
                # every match comes from the words index: count them in the page query
                mode = "index"
                conds.append("to_tsvector('simple', l.description_key) @@ to_tsquery('simple', %s)")
                params.append(" & ".join(f"{w}:*" if prefix else w for w, prefix in terms))
            if scan and not q.reference and q.amount is None:
                mode = "scan"
                index = _order_index(q) if sqlite else ""
    elif q.sort.endswith("amount") and not q.reference and q.amount is None:
        # a date range sorted by amount: walk the amount index (a sort of every line of
        # the range costs 200+ ms on PostgreSQL)
        mode = "scan"
        index = " INDEXED BY portal_line_amount" if sqlite else ""
    if sqlite and mode == "index":
        index = " NOT INDEXED"  # rows come by rowid from the subquery, then are sorted
    # every match is gathered from an index and sorted anyway: sorted by tier first costs a few
    # LIKEs per line. A common query walks the date index instead, newest first, unranked
    rank = (
        # the phrase in the message: outside the boilerplate when every word is evidence
        _tiers(q.words, stripped if len(evidence) == len(q.words) else LINE_TEXT)
        if q.part == "other" and q.words and mode == "index"
        else None
    )
    return Plan(f"{table} l{index}", conds or ["1 = 1"], params, mode, share, rank)


# A word of the query in the sender's folded name (donor_key), as a whole word
WORD_IN_NAME = "(' ' || COALESCE(l.donor_key, '') || ' ') LIKE %s ESCAPE '\\'"


def _tiers(words: list[str], text: str = LINE_TEXT) -> tuple[str, list]:
    """Each line's tier in the other part of a ranked search (issue #24), as SQL: 2 ("w") when
    every typed word is in the sender's name, in any order ("an nguyen van", "nguyen an" for
    NGUYEN VAN AN); 3 ("p") when the words are in the message as a phrase, in order (a name
    the importer did not extract: "ung ho thay nguyen van an"); 4 ("r") otherwise (scattered
    words). The sender part's lines are 0 and 1 (NAME_TIERS)."""
    patterns = [_word_pattern(w, is_prefix(words, i)) for i, w in enumerate(words)]
    in_name = " AND ".join([WORD_IN_NAME] * len(words))
    phrase = _word_pattern(" ".join(words), is_prefix(words, len(words) - 1))
    return f"(CASE WHEN {in_name} THEN 2 WHEN {_on_line(text)} THEN 3 ELSE 4 END)", [
        *patterns,
        phrase,
    ]


def _name_condition(words: list[str]) -> tuple[str, list]:
    """The sender's folded name (donor_key) starts with these whole words: equal to them, or
    in [words + " ", words + " ~") ("~" sorts after every letter and digit; PostgreSQL
    compares in the "C" collation of the index, migrations/0005)."""
    phrase = " ".join(words)
    col = "l.donor_key" if connection.vendor == "sqlite" else 'l.donor_key COLLATE "C"'
    return (
        f"({col} = %s OR ({col} >= %s AND {col} < %s))",
        [phrase, phrase + " ", phrase + " ~"],
    )


def _order_index(q: Query) -> str:
    """SQLite: walk this index in order when every word is common."""
    if q.sort.endswith("amount"):
        return " INDEXED BY portal_line_amount"
    if q.campaign is not None:
        return " INDEXED BY portal_line_campaign_date"
    return " INDEXED BY portal_line_date"


def _order(q: Query):
    desc = q.sort.startswith("-")
    cols = (
        ["l.amount", "l.booked_on", "l.id"]
        if q.sort.endswith("amount")
        else ["l.booked_on", "l.id"]
    )
    direction = " DESC" if desc else ""
    return cols, ", ".join(c + direction for c in cols), desc


def _keyset(q: Query, cols):
    if q.after is None:
        return "", []
    booked_on, amount, pk = q.after
    values = {"l.amount": amount, "l.booked_on": _day(booked_on), "l.id": pk}
    op = "<" if q.sort.startswith("-") else ">"
    tuple_sql = "(" + ", ".join(cols) + f") {op} (" + ", ".join(["%s"] * len(cols)) + ")"
    return tuple_sql, [values[c] for c in cols]


# --- running it ----------------------------------------------------------------------------

RESULT_SECONDS = 60  # the same public query within a minute is answered from the cache
SEEN_KEYS = 20_000  # queries this process remembers having answered once


class _SeenOnce(dict):
    """The keys of the last SEEN_KEYS queries this process answered (oldest first)."""

    _lock = threading.Lock()  # a threaded server (runserver) answers several at once

    def again(self, key: str) -> bool:
        """Whether `key` was seen before; remembers it either way."""
        with self._lock:
            if key in self:
                return True
            self[key] = None
            if len(self) > SEEN_KEYS:
                del self[next(iter(self))]
            return False


_SEEN = _SeenOnce()


def run_cached(q: Query) -> Result:
    """run(), with the result of the same query kept RESULT_SECONDS (many people look for the
    same names at once; the data is public and the same for everyone).

    A result goes into the shared cache the second time this process answers its query: most
    queries are asked once, and writing each of them cost more than reading the popular ones
    (a file created, 0.03–0.9 ms, on every such search) and pushed those out of the cache."""
    ident = repr((q.words, q.reference, q.amount, q.amount_min, q.amount_max, q.date_from,
                  q.date_to, q.campaign.pk if q.campaign is not None else None, q.direction,
                  q.sort, q.after, q.limit, connection.settings_dict.get("NAME")))  # fmt: skip
    key = "portal:search:" + hashlib.sha256(ident.encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found
    result = run(q)
    if not result.message.startswith("Tìm kiếm quá rộng") and _SEEN.again(key):
        cache.set(key, result, RESULT_SECONDS)
    return result


# the cursor of a ranked search whose next page starts the "other" part at its first line
# (the newest-first keyset compares below any date)
# (the first tier, "w"; read as a plain keyset when the other part is not ranked)
OTHER_START = {"-date": "w9999-12-31.0.0", "date": "w0001-01-01.0.0"}
NEAR_DAYS = 7  # a date window this short (the self-check's) is read from its first day


def run(q: Query) -> Result:
    """The lines of one page. Words sorted "rank" go through run_ranked(); without words
    "rank" is newest first. Words that find nothing are read again with one typo per word
    corrected or glued words split (suggest()): its lines are shown, with the suggestion."""
    result = _run_sorted(q)
    result.advice = advice(q, result)
    if (
        result.lines
        or not q.words
        or q.after is not None
        or result.message.startswith("Tìm kiếm quá")
    ):
        return result
    better = suggest(q.words)
    if not better:
        return result
    again = _run_sorted(replace(q, words=better))
    if again.lines:
        again.suggestion = " ".join(better)
        again.advice = advice(replace(q, words=better), again)
        again.message = (
            f"Không có dòng nào khớp “{' '.join(q.words)}”. Có phải bạn tìm "
            f"“{again.suggestion}”? Đây là các dòng khớp “{again.suggestion}”."
        )
        return again
    return result


def advice(q: Query, result: Result) -> str:
    """On a first page with more lines after it: what the donor can add to find their own."""
    if q.after is not None or not result.next_cursor:
        return ""
    add = []
    if q.amount is None and q.amount_min is None and q.amount_max is None:
        add.append("thêm số tiền (ví dụ 500k)")
    if not (q.date_from or q.date_to):
        add.append("thêm ngày chuyển (dd/mm/yyyy)")
    if q.words and len(q.words) < 3:
        add.append("gõ đủ họ và tên")
    if not add:
        return ""
    return "Có nhiều dòng khớp. Để thấy khoản của bạn đầu tiên, hãy " + ", ".join(add) + "."


def _run_sorted(q: Query) -> Result:
    if q.sort in ("rank", ""):
        if q.words and not q.part:
            return run_ranked(q)
        q = replace(q, sort="-date")
    return _run(q)


# --- how people type: one typo per word, glued words ---------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    """Every word one edit away: a letter dropped, swapped with the next, changed or added."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


def _split_glued(word: str, known: dict) -> list[str] | None:
    """ "nguyenvanan" → ["nguyen", "van", "an"]: the split into known words (of the sample)
    with the fewest words, the commonest on a tie; None when there is none."""
    best: list = [None] * (len(word) + 1)  # best[i]: (words, -frequency, split) of word[:i]
    best[0] = (0, 0, [])
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 12), end):
            head = best[start]
            piece = word[start:end]
            if head is None or piece not in known:
                continue
            candidate = (head[0] + 1, head[1] - len(known[piece]), [*head[2], piece])
            if best[end] is None or candidate[:2] < best[end][:2]:
                best[end] = candidate
    found = best[len(word)]
    return found[2] if found and found[0] > 1 else None


def suggest(words: list[str]) -> list[str] | None:
    """The words as the donor probably meant them, from the words of the sample of lines:
    a word the sample does not know is split when glued ("nguyenvanan") or corrected by one
    edit ("vna" → "van": of the same length first, then the commonest); None when nothing
    changes."""
    known = _sample().words
    out, changed = [], False
    for word in words:
        seen = len(known.get(word, ()))
        # a word the sample holds more than twice is meant; a rarer one may be a typo of a
        # far commoner word ("vna", "nguyne")
        if seen > 2 or word.isdigit() or len(word) < 2:
            out.append(word)
            continue
        parts = _split_glued(word, known) if len(word) >= 6 and not seen else None
        if parts:
            out += parts
            changed = True
            continue
        close = [w for w in _one_edit(word) if len(known.get(w, ())) > 10 * max(seen, 1)]
        if close:
            # a letter swapped or mistyped (same length) before one dropped or added: "vna"
            # is "van" rather than the commoner "vn" of every "MAT TRAN TO QUOC VN" line
            out.append(max(close, key=lambda w: (len(w) == len(word), len(known[w]), w)))
            changed = True
        else:
            out.append(word)
    return out if changed else None


def run_ranked(q: Query) -> Result:
    """Lines whose sender's name (extracted at import, donor_key) starts with the typed words
    first, then every other line holding the words; newest first within each part. The page
    cursor says which part it continues ("n…" the name part, "r…" the other part)."""
    started = time.perf_counter()
    # newest first; but a short window of days (the self-check: the day typed, a day before,
    # three after) from its first day, where the donor's own line is
    near = q.date_from and q.date_to and (q.date_to - q.date_from).days <= NEAR_DAYS
    base = replace(q, sort="date" if near else "-date", after=None, tier="")
    if q.after is not None and q.tier in OTHER_TIERS:
        other = _run(replace(base, part="other", after=q.after, tier=q.tier))
        other.next_cursor = _other_cursor(other.next_cursor)
        return other
    first = q.after is None
    in_name = q.tier in NAME_TIERS
    name = _run(
        replace(
            base, part="name", after=q.after if in_name else None, tier=q.tier if in_name else ""
        )
    )
    for line in name.lines:
        line["by_name"] = True
    remaining = q.limit - len(name.lines)
    if name.message.startswith("Tìm kiếm quá rộng"):
        return name
    other = None
    if remaining > 0 or first:
        # the other part fills the page; on a first page it is also counted
        other = _run(replace(base, part="other", limit=max(1, remaining)))
    result = Result(lines=list(name.lines))
    if name.next_cursor:
        result.next_cursor = name.next_cursor  # "e…" or "n…" (_ranked_page)
    elif other is not None and remaining > 0:
        result.lines += other.lines[:remaining]
        if other.next_cursor:
            result.next_cursor = _other_cursor(other.next_cursor)
    elif other is None or other.lines:
        result.next_cursor = OTHER_START[base.sort]  # the name part ended with this page
    if first and other is not None:
        _combine_counts(result, name, other)
        if other.message.startswith("Tìm kiếm quá rộng") and not result.lines:
            result.message = other.message
    if not result.lines and not result.message:
        result.message = "Không tìm thấy dòng sao kê nào khớp."
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def _other_cursor(cursor: str) -> str:
    """The other part's cursor: its tier's letter when ranked (_ranked_page), else "r"."""
    if not cursor or cursor[0] in OTHER_TIERS:
        return cursor
    return "r" + cursor


def _combine_counts(result: Result, name: Result, other: Result) -> None:
    """The total of both parts: exact when both are, else an estimate or "at least"."""
    exact = name.count or 0
    if other.estimate is not None:
        # the sample's share counts every line holding the words, the name part's too
        result.estimate = max(other.estimate, exact + 1)
    elif other.count is not None:
        result.count = other.count + exact
    else:
        result.count_more, result.count_at_least = other.count_more, other.count_at_least
        result.estimate = other.estimate


def _run(q: Query) -> Result:
    started = time.perf_counter()
    result = Result()
    accounts = sources.public_account_ids(q.campaign)
    if not accounts:
        result.count = 0
        result.message = "Chưa có sao kê công khai nào."
        return result
    hidden = sources.hidden_account_ids(accounts)
    drafts = sources.draft_campaign_ids()
    plan = _where(q, hidden, drafts)  # may read the sample first (once in 10 minutes)
    # PostgreSQL, common words: walk the sort index rather than gather every match (the
    # planner multiplies the words' selectivities and expects a few rows; they are
    # thousands, met in the first pages of the index)
    walk = {"enable_bitmapscan": "off", "enable_seqscan": "off", "enable_sort": "off"}
    # ... and the opposite for a rare query: its rows come from the words or reference index.
    # Expecting a few hundred matches spread evenly, the planner would rather walk the date
    # index backwards until it has a page (2.6 s for the fragment "7735.5", whose 60 lines
    # the trigram index finds in 5 ms)
    gather = {"enable_indexscan": "off", "enable_indexonlyscan": "off"}
    settings = walk if plan.mode == "scan" else gather if plan.mode == "index" else {}
    try:
        with _Budget(PAGE_BUDGET, **settings) as budget:
            # lines reached through a words or reference index are all visited anyway:
            # count them in passing
            window = plan.mode in ("index", "name") and q.after is None
            total_sql = "COUNT(*) OVER ()" if window else "NULL"
            cols, order_sql, desc = _order(q)
            # the same order on the page's own columns ("l.booked_on" → "page.booked_on")
            page_order = ", ".join(
                c.replace("l.", "page.", 1) + (" DESC" if desc else "") for c in cols
            )
            if plan.rank is not None:
                page, params = _ranked_page(q, plan, cols, desc, total_sql)
                page_order = "page.tier, " + page_order
            else:
                key_sql, key_params = _keyset(q, cols)
                where = " AND ".join(plan.conds + ([key_sql] if key_sql else []))
                page = (
                    f"SELECT l.id, l.booked_on, l.amount, {total_sql} "  # noqa: S608
                    f"AS total FROM {plan.source} WHERE {where} ORDER BY {order_sql} LIMIT %s"
                )
                params = plan.params + key_params + [q.limit + 1]
            found = budget.fetchall(sources.with_line_details(page, page_order), params)
    except SearchTooBroad:
        result.message = (
            "Tìm kiếm quá rộng, không trả lời kịp. Hãy thêm từ khóa, số tiền "
            "hoặc khoảng ngày để thu hẹp."
        )
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result
    more = len(found) > q.limit
    total = found[0][3] if window and found else None
    found = found[: q.limit]
    skip = 5 if plan.rank is not None else 4  # the page's columns before the line's details
    rows = [sources.line_details(r[skip:]) for r in found]
    if plan.rank is not None:
        for r, row in zip(found, rows, strict=True):
            # the sender's name: equal to, starting with or holding every typed word
            row["by_name"] = r[4] <= OTHER_TIERS["w"]
    result.lines = _present(q, rows)
    if more and found:
        last = found[-1]
        booked_on = last[1] if isinstance(last[1], date) else date.fromisoformat(str(last[1]))
        result.next_cursor = encode_cursor(
            {"booked_on": booked_on, "amount": last[2], "pk": last[0]},
            RANK_TIER[last[4]] if plan.rank is not None else "",
        )
    if q.after is None:
        if not more:
            result.count = len(found)
        elif total is not None:
            result.count, result.count_more = (total, False) if total <= COUNT_CAP else (None, True)
        elif (
            plan.mode == "scan"
            and not (q.date_from or q.date_to or q.campaign is not None or q.direction)
            and (estimate := estimate_lines(plan.share)) is not None
        ):
            # the sample's share holds for the whole table only: other conditions are counted
            result.estimate = max(estimate, len(found) + 1)
        else:
            _count(plan, result, seen=len(found) + 1)
    elif not found:
        result.message = "Đã hết kết quả: trang này nằm sau dòng cuối cùng."
    if not result.lines and not result.message:
        result.message = "Không tìm thấy dòng sao kê nào khớp."
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def estimate_lines(share: float | None) -> int | None:
    """Lines holding a common query, from the sample's share, on a large table (a small
    one is simply counted)."""
    key = (connection.vendor, connection.settings_dict.get("NAME"))
    found = _SAMPLE.get(key)
    total = found.total if found else 0
    if share is None or total <= ESTIMATE_ABOVE:
        return None
    return int(round(share * total, -2))


def _ranked_page(q: Query, plan: Plan, cols: list, desc: bool, total_sql: str):
    """The page query of a ranked other part: its lines by tier (plan.rank), then in the
    sort's order; a cursor "w…", "p…" or "r…" continues after its line within its tier."""
    rank_sql, rank_params = plan.rank
    names = [c.replace("l.", "ranked.", 1) for c in cols]
    direction = " DESC" if desc else ""
    key_sql, key_params = "1 = 1", []
    if q.after is not None and q.tier in TIER_RANK:
        booked_on, amount, pk = q.after
        values = {"l.amount": amount, "l.booked_on": _day(booked_on), "l.id": pk}
        row = (
            "("
            + ", ".join(names)
            + f") {'<' if desc else '>'} ("
            + ", ".join(["%s"] * len(cols))
            + ")"
        )
        key_sql = f"(ranked.tier > %s OR (ranked.tier = %s AND {row}))"
        rank = TIER_RANK[q.tier]
        key_params = [rank, rank, *(values[c] for c in cols)]
    page = (
        f"SELECT ranked.id, ranked.booked_on, ranked.amount, ranked.total, ranked.tier FROM ("  # noqa: S608
        f"SELECT l.id, l.booked_on, l.amount, {total_sql} AS total, {rank_sql} AS tier "
        f"FROM {plan.source} WHERE {' AND '.join(plan.conds)}) AS ranked "
        f"WHERE {key_sql} ORDER BY ranked.tier, "
        + ", ".join(n + direction for n in names)
        + " LIMIT %s"
    )
    return page, [*rank_params, *plan.params, *key_params, q.limit + 1]


def _count(plan: Plan, result: Result, seen: int) -> None:
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {plan.source} WHERE {' AND '.join(plan.conds)} "  # noqa: S608
        f"LIMIT %s) AS c"
    )
    # The same lines are counted once a minute, whatever the sort or the visitor (the count
    # does not depend on them): one query fewer for every other page of results.
    ident = repr((" AND ".join(plan.conds), plan.params, connection.settings_dict.get("NAME")))
    key = "portal:count:" + hashlib.sha256(ident.encode()).hexdigest()
    n = cache.get(key)
    if n is None:
        # PostgreSQL: lines are stored roughly by date: a "cheap" sequential scan for the
        # first 1,001 lines of a late date range reads most of the table
        try:
            with _Budget(COUNT_BUDGET, enable_seqscan="off") as budget:
                n = budget.fetchall(sql, plan.params + [COUNT_CAP + 1])[0][0]
        except SearchTooBroad:
            # not counted in time: what is known, never "more than COUNT_CAP"
            result.count_at_least = seen
            return
        cache.set(key, n, RESULT_SECONDS)
    if n > COUNT_CAP:
        result.count_more = True
    else:
        result.count = n


def _present(q: Query, rows: list[dict]) -> list[dict]:
    """The public view of these lines, in order: account numbers masked, anonymous donors'
    messages hidden, and no line shown only because a masked number matched."""
    public_numbers = frozenset(r["bank_account__number"] for r in rows)
    digits = [w for w in q.words if w.isdigit() and len(w) >= 6]
    if q.reference and search_key(q.reference).replace(" ", "").isdigit():
        digits.append(search_key(q.reference).replace(" ", ""))
    out = []
    for row in rows:
        hidden = row["anonymous"]
        if hidden and q.words:
            continue  # the words may have matched the donor's name
        text = (
            sources.ANONYMOUS_TEXT if hidden else mask_accounts(row["description"], public_numbers)
        )
        if digits:
            visible = (
                search_key(text).replace(" ", "")
                + "|"
                + search_key(row["reference"]).replace(" ", "")
            )
            if not all(d in visible for d in digits):
                continue
        out.append(
            {
                "id": row["pk"],
                "booked_on": row["booked_on"],
                "time": row["booked_time"],
                "reference": row["reference"],
                "direction": row["direction"],
                "amount": row["amount"],
                "description": text,
                "anonymous": hidden,
                "bank": row["bank_account__bank"],
                "account": row["bank_account__number"],
                "campaign_id": row["campaign_id"],
                "campaign_code": row["campaign__code"] or "",
                "campaign_name": row["campaign__name"] or "",
                **({"by_name": True} if row.get("by_name") else {}),
            }
        )
    return out
