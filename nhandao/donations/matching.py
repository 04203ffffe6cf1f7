"""Statements matched (issue #14 item 5): what each debit line paid, and whether an
account's statements follow one another.

- `match_debits(bank_account)`: each unmatched debit line is matched to the outgoing ledger
  entry it paid (an allocation's transfer out, a spending) of the account's organisation and
  campaign: same amount, booked within DAYS_BEFORE days before the bank line to DAYS_AFTER
  after (a decision is paid after it is taken), then scored by the reference (the entry's
  source, the decision number of its memo) and the counterparty's account number found in
  the line's text. One best candidate is matched; a tie is left for a person to decide.
  Run after every import, and again from the statement page (an allocation recorded after
  the bank line was imported).
- `match_manually(actor, line, entry, reason)`: a person matches a line the rules could not
  (or records what it was — a bank fee — without an entry), always with a reason.
- `continuity(bank_account)`: consecutive statements of an account: the closing balance of
  one is the opening balance of the next, and no day falls between them uncovered.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from nhandao.audit.actions import record
from nhandao.audit.models import EntryKind, LedgerEntry
from nhandao.donations.models import (
    BankAccount,
    DebitMatch,
    Direction,
    MatchMethod,
    Statement,
    StatementLine,
    StatementStatus,
)
from nhandao.lib.errors import Refused
from nhandao.lib.money import format_vnd
from nhandao.lib.text import fold

DAYS_BEFORE = 10  # the ledger entry (the decision) may precede the bank's debit by this much
DAYS_AFTER = 2  # … or follow it by this much (recorded a little late)
OUTGOING = [EntryKind.TRANSFER_OUT, EntryKind.SPEND]


def _compact(text: str) -> str:
    """Letters and digits only, folded: "QĐ 12/QĐ-MTTQ" → "qd12qdmttq"."""
    return re.sub(r"[^0-9a-z]", "", fold(text or "").lower())


def _references(entry: LedgerEntry) -> list[str]:
    """What a bank transfer's text may quote of the entry: its source and the decision number
    of an allocation's memo ("Phân bổ theo QĐ 12/QĐ-MTTQ — …")."""
    found = []
    decision = re.search(r"QĐ\s+(\S+)", entry.memo or "")
    if decision:
        found.append(_compact(decision.group(1)))
    if entry.source and not entry.source.startswith("relief-allocation:"):
        found.append(_compact(entry.source))
    return [r for r in found if len(r) >= 3]


def _counterparty_numbers(entries) -> dict[int, set[str]]:
    """{entry id: bank account numbers of the organisation the transfer went to}."""
    links = {e.transfer: e.pk for e in entries if e.transfer}
    targets = dict(
        LedgerEntry.objects.filter(transfer__in=links, kind=EntryKind.TRANSFER_IN).values_list(
            "transfer", "account__organisation_id"
        )
    )
    numbers: dict[int, set[str]] = {}
    for org_id, number in BankAccount.objects.filter(
        organisation_id__in=set(targets.values())
    ).values_list("organisation_id", "number"):
        numbers.setdefault(org_id, set()).add(re.sub(r"\D", "", number))
    return {links[t]: numbers.get(org, set()) for t, org in targets.items()}


@dataclass
class Outcome:
    matched: int = 0
    ambiguous: int = 0
    unmatched: int = 0
    details: list = field(default_factory=list)


def _score(line: StatementLine, entry: LedgerEntry, numbers: set[str]) -> tuple[float, list]:
    criteria = ["amount", "date"]
    score = 1.0 - abs((line.booked_on - entry.booked_on).days) * 0.01
    text = _compact(line.description) + _compact(line.reference)
    if any(ref in text for ref in _references(entry)):
        score += 2
        criteria.append("reference")
    digits = re.sub(r"\D", "", line.description)
    if any(n and n in digits for n in numbers):
        score += 2
        criteria.append("account")
    return score, criteria


def _candidates(bank_account: BankAccount, lines: list) -> list[LedgerEntry]:
    if not lines:
        return []
    days = [line.booked_on for line in lines]
    entries = LedgerEntry.objects.filter(
        account__organisation_id=bank_account.organisation_id,
        kind__in=OUTGOING,
        booked_on__range=(
            min(days) - timedelta(days=DAYS_AFTER),
            max(days) + timedelta(days=DAYS_BEFORE),
        ),
        amount__in={-line.amount for line in lines},
        debit_match__isnull=True,
        reversed_by__isnull=True,
    ).select_related("account")
    if bank_account.campaign_id:
        entries = entries.filter(account__campaign_id=bank_account.campaign_id)
    return list(entries)


@transaction.atomic
def match_debits(bank_account: BankAccount, actor=None) -> Outcome:
    """Match the account's unmatched debit lines (see the module's docstring)."""
    outcome = Outcome()
    lines = list(
        StatementLine.objects.filter(
            bank_account=bank_account, direction=Direction.DEBIT, debit_match__isnull=True
        ).order_by("booked_on", "pk")
    )
    entries = _candidates(bank_account, lines)
    numbers = _counterparty_numbers(entries)
    used: set[int] = set()
    for line in lines:
        scored = []
        for entry in entries:
            if entry.pk in used or -entry.amount != line.amount:
                continue
            if line.campaign_id and entry.account.campaign_id not in (None, line.campaign_id):
                continue
            gap = (line.booked_on - entry.booked_on).days
            if not -DAYS_AFTER <= gap <= DAYS_BEFORE:
                continue
            scored.append((*_score(line, entry, numbers.get(entry.pk, set())), entry))
        scored.sort(key=lambda s: -s[0])
        if not scored:
            outcome.unmatched += 1
            continue
        if len(scored) > 1 and int(scored[0][0]) == int(scored[1][0]):
            outcome.ambiguous += 1  # the same evidence for two entries: a person decides
            outcome.details.append((line.pk, [s[2].pk for s in scored]))
            continue
        _score_value, criteria, entry = scored[0]
        DebitMatch.objects.create(
            line=line, entry=entry, method=MatchMethod.AUTO, criteria=criteria, matched_by=None
        )
        used.add(entry.pk)
        outcome.matched += 1
    if outcome.matched:
        record(
            actor,
            "statement.debits_matched",
            bank_account,
            after={"matched": outcome.matched, "ambiguous": outcome.ambiguous},
        )
    return outcome


@transaction.atomic
def match_manually(actor, line: StatementLine, entry: LedgerEntry | None, reason: str):
    """A person's match, with a reason; `entry` None records what the debit was (a fee)
    without a ledger entry. The caller has checked the "money" permission on the line's
    account."""
    reason = (reason or "").strip()
    if line.direction != Direction.DEBIT:
        raise Refused("Chỉ đối chiếu dòng ghi nợ (tiền ra).", field="line")
    if not reason:
        raise Refused("Hãy ghi lý do đối chiếu thủ công.", field="reason")
    if DebitMatch.objects.filter(line=line).exists():
        raise Refused("Dòng này đã được đối chiếu.", field="line")
    if entry is not None:
        if entry.kind not in OUTGOING:
            raise Refused("Chỉ khớp với bút toán chuyển đi hoặc chi.", field="entry")
        if entry.account.organisation_id != line.bank_account.organisation_id:
            raise Refused("Bút toán không thuộc tổ chức chủ tài khoản.", field="entry")
        if DebitMatch.objects.filter(entry=entry).exists():
            raise Refused("Bút toán này đã khớp với một dòng sao kê khác.", field="entry")
    match = DebitMatch.objects.create(
        line=line,
        entry=entry,
        method=MatchMethod.MANUAL,
        criteria=[],
        reason=reason[:255],
        matched_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor,
        "statement.debit_matched_manually",
        line.bank_account,
        after={"line": line.pk, "entry": entry.pk if entry else None, "reason": reason},
    )
    return match


@dataclass
class Debits:
    rows: list  # {"line": StatementLine, "match": DebitMatch | None}

    @property
    def matched(self) -> int:
        return sum(1 for row in self.rows if row["match"] is not None)

    @property
    def unmatched(self) -> int:
        return len(self.rows) - self.matched


def debits(lines) -> Debits:
    """The debit lines of `lines` (a StatementLine queryset) with what they paid."""
    rows = []
    for line in (
        lines.filter(direction=Direction.DEBIT)
        .select_related("debit_match__entry__account__organisation")
        .order_by("booked_on", "row_no")
    ):
        match = getattr(line, "debit_match", None)
        rows.append({"line": line, "match": match})
    return Debits(rows)


# --- continuity ----------------------------------------------------------------------------


@dataclass
class Break:
    kind: str  # "balance" | "gap"
    earlier: Statement
    later: Statement
    message: str


def vnd(amount: int) -> str:
    return format_vnd(amount, symbol=False)


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def continuity(bank_account: BankAccount) -> list[Break]:
    """Breaks between the account's imported statements taken in date order: a closing
    balance that is not the next opening balance (lines missing between them), and days
    that no statement covers. A statement that added no line (the same file again, an
    extract of lines already imported) adds nothing to check."""
    statements = [
        s
        for s in Statement.objects.filter(
            bank_account=bank_account, status=StatementStatus.DONE, first_day__isnull=False
        ).order_by("first_day", "last_day", "pk")
    ]
    breaks: list[Break] = []
    previous = None
    for statement in statements:
        if statement.rows_accepted == 0:
            continue
        if previous is not None:
            if (
                previous.closing_balance is not None
                and statement.opening_balance is not None
                and previous.closing_balance != statement.opening_balance
            ):
                breaks.append(
                    Break(
                        "balance",
                        previous,
                        statement,
                        f"Số dư cuối của “{previous.file_name}” là "
                        f"{vnd(previous.closing_balance)} đồng nhưng số dư đầu của "
                        f"“{statement.file_name}” là {vnd(statement.opening_balance)} đồng: "
                        f"thiếu giao dịch "
                        f"{vnd(statement.opening_balance - previous.closing_balance)} đồng "
                        "giữa hai sao kê.",
                    )
                )
            if statement.first_day > previous.last_day + timedelta(days=1):
                start = previous.last_day + timedelta(days=1)
                end = statement.first_day - timedelta(days=1)
                span = _day(start) if start == end else f"{_day(start)} đến {_day(end)}"
                breaks.append(
                    Break(
                        "gap",
                        previous,
                        statement,
                        f"Không sao kê nào có giao dịch ngày {span} (giữa “{previous.file_name}” "
                        f"và “{statement.file_name}”): thiếu sao kê của những ngày này?",
                    )
                )
        previous = statement
    return breaks
