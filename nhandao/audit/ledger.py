"""The ledger: every đồng that moves is an append-only entry, hash-chained per account.

- Accounts are (organisation, campaign, earmark); `account_for()` finds or opens one.
- `post()` appends one entry, `reverse()` corrects an entry by appending its opposite,
  `transfer()` moves money between two accounts (two entries sharing a transfer id; the
  relief work moves money between campaign accounts of parent and child organisations this
  way). `append_many()` is the set-based path used by statement imports.
- A balance is the `balance_after` of the account's last entry and never goes below zero:
  the account row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers).
- `verify()` recomputes every hash and link and names the first altered entry;
  `verify_all()` walks every account in one pass (the `verify_ledger` command).

Hash rules, per entry (`hash_rule`, itself hashed from rule 2 on): rule 1 (entries written
before session 6) hashes the memo in clear; rule 2 hashes a salted commitment of the memo
(`memo_commit`), so the published file can withhold a donor's name yet still let anyone
recompute the entry's hash, and changing a withheld memo breaks the chain. Old entries keep
rule 1 and still verify: a rule is never changed once entries use it.
"""

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.utils import timezone

from nhandao.audit.models import EntryKind, LedgerAccount, LedgerEntry
from nhandao.lib.errors import Refused

GENESIS = "0" * 64


class LedgerError(Refused):
    """A posting that would break a ledger rule (message in Vietnamese)."""


def account_for(organisation, campaign=None, earmark: str = "", earmark_label: str = ""):
    """The account of (organisation, campaign, earmark), opened on first use."""
    account, _ = LedgerAccount.objects.get_or_create(
        organisation=organisation,
        campaign=campaign,
        earmark=earmark or "",
        defaults={"earmark_label": earmark_label or ""},
    )
    return account


# The columns of an entry, in the order they are hashed; the stored row adds the hash.
HASHED_COLUMNS = [
    "account_id",
    "seq",
    "at",
    "booked_on",
    "kind",
    "amount",
    "balance_after",
    "memo",
    "source",
    "reverses_id",
    "transfer",
    "actor_name",
    "prev_hash",
]
ENTRY_COLUMNS = [*HASHED_COLUMNS, "hash", "hash_rule", "memo_salt"]
# The rule new entries are written with (see the module's docstring).
RULE = 2


def at_text(at: datetime) -> str:
    """An entry's time as it is hashed and published: UTC, ISO 8601, to the microsecond."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


# The canonical text's encoder, made once: json.dumps() with these options builds a new
# encoder on every call (0.4 s of the 1.3 s spent hashing 200,000 entries). Same text.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def digest(values: list) -> str:
    """SHA-256 of the canonical text of an entry's values (HASHED_COLUMNS order, `at` and
    `booked_on` already as text): a JSON array, so no separator inside a memo is ambiguous.
    Published chains are verified with it: the text must never change (a test pins it)."""
    return hashlib.sha256(_CANONICAL.encode(values).encode()).hexdigest()


def new_salt() -> str:
    """A memo's salt: 128 random bits, so a withheld name cannot be found by trying a list
    of names against the published commitment."""
    return secrets.token_hex(16)


def memo_commit(salt: str, memo: str) -> str:
    """The salted commitment of a memo that rule 2 hashes in its place."""
    return hashlib.sha256(f"{salt}:{memo}".encode()).hexdigest()


def rule2_values(values: list, commit: str) -> list:
    """Rule 2's canonical values from rule 1's (HASHED_COLUMNS order): the rule first, the
    memo replaced by its commitment."""
    return [2, *values[:7], commit, *values[8:]]


MEMO = HASHED_COLUMNS.index("memo")


def entry_hash(**fields) -> str:
    """The hash of an entry given as keyword arguments named by HASHED_COLUMNS, plus
    `hash_rule` (1 when absent) and, for rule 2, `memo_salt` (or `memo_commit` when the memo
    itself is withheld)."""
    at, booked_on = fields["at"], fields["booked_on"]
    if isinstance(at, datetime):
        fields["at"] = at_text(at)
    if isinstance(booked_on, date):
        fields["booked_on"] = booked_on.isoformat()
    values = [fields[name] for name in HASHED_COLUMNS]
    rule = fields.get("hash_rule") or 1
    if rule == 1:
        return digest(values)
    if rule == 2:
        commit = fields.get("memo_commit") or memo_commit(fields["memo_salt"], fields["memo"])
        return digest(rule2_values(values, commit))
    raise ValueError(f"unknown hash rule {rule}")


def _actor_name(actor) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "hệ thống"


def _locked_head(account: LedgerAccount) -> tuple[int, str, int]:
    """(last seq, last hash, balance) of the account, with the account row locked."""
    LedgerAccount.objects.select_for_update().filter(pk=account.pk).first()
    head = (
        LedgerEntry.objects.filter(account_id=account.pk)
        .order_by("-seq")
        .values_list("seq", "hash", "balance_after")
        .first()
    )
    return head if head else (0, GENESIS, 0)


@transaction.atomic
def post(
    account: LedgerAccount,
    amount: int,
    *,
    booked_on: date,
    kind: str = EntryKind.DONATION,
    memo: str = "",
    source: str = "",
    actor=None,
    reverses: LedgerEntry | None = None,
    transfer: str = "",
) -> LedgerEntry:
    """Append one entry (+ money in, − money out). Refuses zero and overdrawing."""
    amount = int(amount)
    if amount == 0:
        raise LedgerError("Số tiền bút toán phải khác 0.")
    seq, prev_hash, balance = _locked_head(account)
    balance_after = balance + amount
    if balance_after < 0:
        raise LedgerError(
            f"Số dư không đủ: tài khoản “{account}” còn {balance:,} đồng, "
            f"không thể ghi giảm {-amount:,} đồng.".replace(",", ".")
        )
    fields = {
        "account_id": account.pk,
        "seq": seq + 1,
        "at": timezone.now(),
        "booked_on": booked_on,
        "kind": str(kind),
        "amount": amount,
        "balance_after": balance_after,
        "memo": (memo or "")[:255],
        "source": (source or "")[:120],
        "reverses_id": reverses.pk if reverses else None,
        "transfer": transfer,
        "actor_name": _actor_name(actor)[:150],
        "prev_hash": prev_hash,
        "hash_rule": RULE,
        "memo_salt": new_salt(),
    }
    return LedgerEntry.objects.create(**fields, hash=entry_hash(**fields))


@transaction.atomic
def reverse(entry: LedgerEntry, *, actor=None, memo: str = "", booked_on: date | None = None):
    """Correct `entry` by appending its opposite to the same account (once only)."""
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise LedgerError(f"Bút toán #{entry.seq} đã được đảo trước đó.")
    if entry.kind == EntryKind.REVERSAL:
        raise LedgerError("Không đảo một bút toán đảo; hãy ghi bút toán mới.")
    return post(
        entry.account,
        -entry.amount,
        booked_on=booked_on or timezone.localdate(),
        kind=EntryKind.REVERSAL,
        memo=memo or f"Đảo bút toán #{entry.seq}",
        source=entry.source,
        actor=actor,
        reverses=entry,
    )


@transaction.atomic
def transfer(
    source: LedgerAccount,
    target: LedgerAccount,
    amount: int,
    *,
    booked_on: date,
    memo: str = "",
    actor=None,
    reference: str = "",
) -> tuple[LedgerEntry, LedgerEntry]:
    """Move `amount` from one account to another; earmarked money only to its earmark."""
    if amount <= 0:
        raise LedgerError("Số tiền chuyển phải lớn hơn 0.")
    if source.pk == target.pk:
        raise LedgerError("Không chuyển quỹ vào chính tài khoản đó.")
    if source.earmark and source.earmark != target.earmark:
        raise LedgerError(
            f"Tiền chỉ định cho “{source.earmark_label or source.earmark}” chỉ được chuyển "
            "tới đúng địa chỉ đã chỉ định."
        )
    link = str(uuid.uuid4())
    # Lock both accounts in a fixed order so two opposite transfers cannot deadlock.
    first, second = sorted([source, target], key=lambda a: a.pk)
    _locked_head(first)
    _locked_head(second)
    out = post(
        source,
        -amount,
        booked_on=booked_on,
        kind=EntryKind.TRANSFER_OUT,
        memo=memo,
        source=reference,
        actor=actor,
        transfer=link,
    )
    into = post(
        target,
        amount,
        booked_on=booked_on,
        kind=EntryKind.TRANSFER_IN,
        memo=memo,
        source=reference,
        actor=actor,
        transfer=link,
    )
    return out, into


# --- the set-based path --------------------------------------------------------------------


def chain_rows(account: LedgerAccount, items, *, actor=None) -> list[tuple]:
    """Entry rows (in ENTRY_COLUMNS order) for `items` = iterable of
    (booked_on, amount, memo, source), chained after the account's locked head.
    Call inside a transaction and insert the rows with `insert_rows()` before it ends."""
    seq, prev_hash, balance = _locked_head(account)
    at = timezone.now()
    at_hashed = at_text(at)
    at_db = connection.ops.adapt_datetimefield_value(at)
    name = _actor_name(actor)[:150]
    rows = []
    for booked_on, amount, memo, source in items:
        amount = int(amount)
        if amount == 0:
            raise LedgerError("Số tiền bút toán phải khác 0.")
        seq += 1
        balance += amount
        if balance < 0:
            raise LedgerError("Số dư không đủ cho bút toán ghi giảm.")
        memo = (memo or "")[:255]
        salt = new_salt()
        values = [
            account.pk,
            seq,
            at_hashed,
            booked_on.isoformat(),
            "donation",
            amount,
            balance,
            memo,
            (source or "")[:120],
            None,
            "",
            name,
            prev_hash,
        ]
        prev_hash = digest(rule2_values(values, memo_commit(salt, memo)))
        values[2] = at_db  # the row stores the time as the database takes it
        values += [prev_hash, RULE, salt]
        rows.append(tuple(values))
    return rows


def insert_rows(table: str, columns: list[str], rows) -> None:
    """A bare set-based insert: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cols = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
            )


def insert_rows_staged(
    table: str, columns: list[str], rows, returning=(), constants: dict | None = None
) -> list[tuple]:
    """Like insert_rows(), but on SQLite the rows go through a temporary table and reach
    `table` in ONE INSERT … SELECT: triggers on `table` (full-text indexes kept in sync row
    by row) then run inside a single statement, several times faster than executemany.
    With `returning` (column names), both backends stage the rows, and the inserted rows'
    values of those columns come back (COPY cannot return them). With `constants` ({column:
    value}), both stage the varying `columns` only and the constants are added in SQL (an
    executemany of every column of every row cost twice as much on SQLite)."""
    constants = constants or {}
    if connection.vendor != "sqlite" and not returning and not constants:
        insert_rows(table, columns, rows)
        return []
    staging = f"staging_{table}"
    cols = ", ".join(columns)
    target = ", ".join([*columns, *constants])
    values = ", ".join([*columns, *["%s"] * len(constants)])
    back = f" RETURNING {', '.join(returning)}" if returning else ""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS temp.{staging}")
            cursor.execute(f"CREATE TEMP TABLE {staging} ({cols})")
        else:  # the columns' types, without their constraints
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staging}")
            cursor.execute(
                f"CREATE TEMP TABLE {staging} AS SELECT {cols} FROM {table} WITH NO DATA"  # noqa: S608
            )
        insert_rows(staging, columns, rows)
        cursor.execute(
            f"INSERT INTO {table} ({target}) SELECT {values} FROM {staging}{back}",  # noqa: S608
            list(constants.values()),
        )
        inserted = cursor.fetchall() if returning else []
        cursor.execute(f"DROP TABLE {staging}")
    return inserted


def append_many(account: LedgerAccount, items, *, actor=None) -> list[int]:
    """Chain and insert many donation entries at once; returns their ids, in `items` order
    (read back by the account's seq range: COPY returns nothing)."""
    rows = chain_rows(account, items, actor=actor)
    if not rows:
        return []
    insert_rows(LedgerEntry._meta.db_table, ENTRY_COLUMNS, rows)
    seq = ENTRY_COLUMNS.index("seq")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {LedgerEntry._meta.db_table} WHERE account_id = %s "  # noqa: S608
            "AND seq BETWEEN %s AND %s ORDER BY seq",
            [account.pk, rows[0][seq], rows[-1][seq]],
        )
        ids = [r[0] for r in cursor.fetchall()]
    if len(ids) != len(rows):  # the account is locked by chain_rows: cannot happen
        raise LedgerError("Bút toán vừa ghi không đọc lại được.")
    return ids


# --- verification --------------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool
    checked: int
    first_bad: LedgerEntry | None = None
    reason: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"Chuỗi băm hợp lệ: đã kiểm {self.checked} bút toán."
        where = (
            f"bút toán #{self.first_bad.seq} (mã {self.first_bad.pk})"
            if self.first_bad
            else "tài khoản"
        )
        return f"Sổ quỹ bị thay đổi tại {where}: {self.reason}"


_string = json.encoder.encode_basestring  # what _CANONICAL writes a string with (C)


def rule2_text(account_id, seq, at, booked_on, kind, amount, balance_after, commit, source,
               reverses_id, transfer, actor_name, prev_hash) -> str:  # fmt: skip
    """_CANONICAL.encode(rule2_values(…)), written directly: the same text (a test compares
    them on awkward strings), twice as fast — verify_all() writes it 2 M times."""
    reverses = "null" if reverses_id is None else int(reverses_id)
    return (
        f"[2,{int(account_id)},{int(seq)},{_string(at)},{_string(booked_on)},{_string(kind)},"
        f"{int(amount)},{int(balance_after)},{_string(commit)},{_string(source)},{reverses},"
        f"{_string(transfer)},{_string(actor_name)},{_string(prev_hash)}]"
    )


# The stored columns verification reads, in this order (after the entry's id).
VERIFIED_COLUMNS = [*HASHED_COLUMNS, "hash", "hash_rule", "memo_salt"]


def _at_from_db(value) -> str:
    """An entry's stored time as it was hashed: PostgreSQL gives an aware datetime, SQLite
    the naive UTC time Django wrote (parsed by Django's converter on a raw cursor, or the
    text itself: "2026-12-03 20:58:47.123456", no fraction at .000000)."""
    if isinstance(value, datetime):
        return at_text(value if value.tzinfo else value.replace(tzinfo=UTC))
    text = value.replace(" ", "T")
    if "." not in text:
        text += ".000000"
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat(timespec="microseconds")


def check_row(row, prev_hash: str, balance: int, expected_seq: int) -> tuple[str, int]:
    """Check one stored row (VERIFIED_COLUMNS order) against the running state of its
    account; returns (its hash, the balance after it) or raises ValueError(reason)."""
    (
        _acc,
        seq,
        at,
        booked_on,
        _k,
        amount,
        after,
        memo,
        _s,
        _r,
        _t,
        _a,
        prev,
        stored,
        rule,
        salt,
    ) = row
    if seq != expected_seq:
        raise ValueError(f"thiếu bút toán trước số {seq} (mong đợi #{expected_seq}).")
    if prev != prev_hash:
        raise ValueError("không nối tiếp bút toán trước.")
    values = list(row[:13])
    values[2] = _at_from_db(at)
    values[3] = booked_on if isinstance(booked_on, str) else booked_on.isoformat()
    if rule == 2:
        computed = digest(rule2_values(values, memo_commit(salt, memo)))
    elif rule == 1:
        computed = digest(values)
    else:
        raise ValueError(f"quy tắc băm không biết ({rule}).")
    if computed != stored:
        raise ValueError("nội dung không khớp mã băm.")
    balance += amount
    if after != balance or balance < 0:
        raise ValueError("số dư không khớp các bút toán.")
    return stored, balance


def verify(account: LedgerAccount) -> Verification:
    """Walk the account's entries in order; the first entry whose hash, link, sequence or
    balance does not follow is named."""
    prev_hash, balance, expected_seq = GENESIS, 0, 1
    rows = (
        LedgerEntry.objects.filter(account=account)
        .order_by("seq")
        .values_list("pk", *VERIFIED_COLUMNS)
    )
    for pk, *row in rows.iterator(5000):
        try:
            prev_hash, balance = check_row(row, prev_hash, balance, expected_seq)
        except ValueError as reason:
            return Verification(
                False, expected_seq - 1, LedgerEntry.objects.get(pk=pk), str(reason)
            )
        expected_seq += 1
    return Verification(True, expected_seq - 1)


@dataclass
class Break:
    """Where an account's chain stops following (its later entries are not trusted)."""

    account_id: int
    seq: int
    entry_id: int
    reason: str

    @property
    def message(self) -> str:
        return (
            f"tài khoản {self.account_id}, bút toán #{self.seq} (mã {self.entry_id}): {self.reason}"
        )


@dataclass
class FullVerification:
    accounts: int = 0
    entries: int = 0
    breaks: list = None
    heads: dict = None  # {account_id: (seq, hash)} of the verified chains

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_all(batch: int = 20_000) -> FullVerification:
    """Every account's chain in one ordered pass over the table (a raw cursor: 2 M entries
    are read as tuples, not model rows). Each account stops at its first break; the others
    go on. Returns the heads of the chains, which checkpoints are compared with.

    Same checks as check_row(), inlined: at 2 M entries every call and conversion counts.
    The times are read as text (no converter) and converted once per distinct value (an
    import writes one time for all its entries)."""
    result = FullVerification(breaks=[], heads={})
    at_texts: dict = {}
    text = "CAST(at AS TEXT)" if connection.vendor == "sqlite" else "at"
    day = "CAST(booked_on AS TEXT)" if connection.vendor == "sqlite" else "booked_on"
    columns = ", ".join(
        ["id", *[{"at": text, "booked_on": day}.get(c, c) for c in VERIFIED_COLUMNS]]
    )
    encode, sha256 = _CANONICAL.encode, hashlib.sha256
    account, prev_hash, balance, expected, broken = None, GENESIS, 0, 1, False
    heads, breaks = result.heads, result.breaks
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {LedgerEntry._meta.db_table} ORDER BY account_id, seq"  # noqa: S608
        )
        while rows := cursor.fetchmany(batch):
            for row in rows:
                (pk, acc, seq, at, booked_on, kind, amount, after, memo, source, reverses,
                 transfer_id, actor, prev, stored, rule, salt) = row  # fmt: skip
                if acc != account:
                    if account is not None and not broken:
                        heads[account] = (expected - 1, prev_hash)
                    account, prev_hash, balance, expected, broken = acc, GENESIS, 0, 1, False
                    result.accounts += 1
                if broken:
                    continue
                reason = ""
                if seq != expected:
                    reason = f"thiếu bút toán trước số {seq} (mong đợi #{expected})."
                elif prev != prev_hash:
                    reason = "không nối tiếp bút toán trước."
                else:
                    at_hashed = at_texts.get(at)
                    if at_hashed is None:
                        at_hashed = at_texts[at] = _at_from_db(at)
                    if not isinstance(booked_on, str):
                        booked_on = booked_on.isoformat()
                    if rule == 2:
                        commit = sha256(f"{salt}:{memo}".encode()).hexdigest()
                        text = rule2_text(
                            acc, seq, at_hashed, booked_on, kind, amount, after, commit,
                            source, reverses, transfer_id, actor, prev,
                        )  # fmt: skip
                    else:
                        values = [acc, seq, at_hashed, booked_on, kind, amount, after, memo,
                                  source, reverses, transfer_id, actor, prev]  # fmt: skip
                        text = encode(values)
                    if rule not in (1, 2):
                        reason = f"quy tắc băm không biết ({rule})."
                    elif sha256(text.encode()).hexdigest() != stored:
                        reason = "nội dung không khớp mã băm."
                    else:
                        balance += amount
                        if after != balance or balance < 0:
                            reason = "số dư không khớp các bút toán."
                if reason:
                    breaks.append(Break(acc, seq, pk, reason))
                    broken = True
                    continue
                prev_hash = stored
                expected += 1
                result.entries += 1
        if account is not None and not broken:
            heads[account] = (expected - 1, prev_hash)
    return result
