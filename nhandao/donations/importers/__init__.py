"""Bank statement import: read (polars for CSV, python-calamine for XLSX), recognise the
layout, validate every row (Vietnamese messages naming row, column and reason), check the
running balance, then write all or nothing with set-based inserts.

    parsed = read_statement(data, filename, layout="auto", mapping=None)   # reading.py
    checked = validate(parsed, bank_account, campaigns)                    # checking.py
    result = commit(statement, checked, actor)                             # writing.py
    run_import(statement, data) does the three, after the checks on the file as a whole;
    run_stored(statement_id) claims a queued statement and imports its stored file: the
    body of tasks.import_statement, which the worker and the command line both run.

Natural key of a line: (account, date, reference, direction, amount, n) where n counts the
same tuple earlier in the file (banks reuse a reference for several lines of a day); when a
line has no reference, (account, date, direction, amount, folded message, n). Re-importing a
file or an overlapping period therefore adds nothing; the very same file (same checksum, same
account) is recognised before it is even read.
"""

import logging
import re
import time

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from nhandao.donations.importers.checking import error, validate
from nhandao.donations.importers.layouts import (
    FIELD_LABELS,
    FIELDS,
    LAYOUTS,
    Checked,
    Parsed,
    StatementError,
)
from nhandao.donations.importers.names import fold_expr
from nhandao.donations.importers.reading import checksum, read_statement
from nhandao.donations.importers.writing import commit
from nhandao.donations.models import Statement, StatementStatus
from nhandao.lib.tasks import enqueue_on_commit

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "LAYOUTS",
    "Checked",
    "Parsed",
    "StatementError",
    "account_in_filename",
    "campaigns_for",
    "check",
    "checksum",
    "commit",
    "fold_expr",
    "preview",
    "mark_failed",
    "read_statement",
    "run_import",
    "run_stored",
    "validate",
]

log = logging.getLogger(__name__)


def campaigns_for(bank_account, default=None) -> list:
    """Campaigns a statement of this account can credit: the default (chosen at upload or
    the account's own) and every campaign with a memo organised by or with its owner."""
    from nhandao.campaigns.models import Campaign

    chosen = default or bank_account.campaign
    found = {}
    if chosen is not None:
        chosen._is_default = True
        found[chosen.pk] = chosen
    org = bank_account.organisation
    with_memo = (
        Campaign.objects.exclude(transfer_memo="")
        .filter(models.Q(organisation=org) | models.Q(co_organisers=org))
        .distinct()
    )
    for campaign in with_memo:
        found.setdefault(campaign.pk, campaign)
    return list(found.values())


def account_in_filename(filename: str) -> str:
    match = re.search(r"(?:^|[_\-\s])(\d{8,20})(?:[_\-\s.]|$)", filename or "")
    return match.group(1) if match else ""


def check(
    statement, data: bytes, *, layout="auto", mapping=None, header_row=None, number_format="auto"
) -> Checked:
    """Read and check a stored statement's file, writing nothing (StatementError when the file
    as a whole cannot be taken): the preview and the import both go through here."""
    bank_account = statement.bank_account
    named = account_in_filename(statement.filename)
    if named and named != bank_account.number:
        raise StatementError(
            f"Tệp sao kê của tài khoản {named}, không phải tài khoản {bank_account.number} đã chọn."
        )
    parsed = read_statement(data, statement.filename, layout, mapping, header_row, number_format)
    return validate(parsed, bank_account, campaigns_for(bank_account, statement.campaign))


def preview(statement) -> dict:
    """What importing a pending statement would do, without writing: the checked figures, the
    first 20 rows as they would be recorded, and the errors ({"error": …} for a file that
    cannot be read at all)."""
    from nhandao.campaigns.models import Campaign

    options = statement.mapping or {}
    try:
        with statement.file.open("rb") as handle:
            data = handle.read()
        checked = check(
            statement,
            data,
            layout=options.get("layout") or "auto",
            mapping=options.get("columns"),
            header_row=options.get("header_row"),
            number_format=options.get("number_format") or "auto",
        )
    except StatementError as exc:
        return {"error": str(exc)}
    rows = checked.rows.head(20)
    ids = (
        [pk for pk in rows["campaign_id"].to_list() if pk] if "campaign_id" in rows.columns else []
    )
    codes = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "code"))
    sample = [
        {
            "row": r["row_no"],
            "date": r["d"],
            "direction": r["direction"],
            "amount": r["value"],
            "description": r["description"],
            "donor": r.get("donor_name", ""),
            "campaign": codes.get(r.get("campaign_id"), ""),
        }
        for r in rows.iter_rows(named=True)
    ]
    return {
        "checked": checked,
        "sample": sample,
        "layout": checked.parsed.layout.label,
        "errors": checked.errors[:200],
    }


def run_stored(
    statement_id: int,
    actor_id: int | None = None,
    *,
    layout="auto",
    mapping=None,
    header_row=None,
    number_format="auto",
) -> dict:
    """Import a queued statement from its stored file (what tasks.import_statement runs).
    The statement is claimed first, queued → running with a filtered update, so that it is
    imported once however often its task runs (run again from the admin, two workers): a
    statement that is no longer queued is left as it is and its figures are returned."""
    claimed = Statement.objects.filter(pk=statement_id, status=StatementStatus.QUEUED).update(
        status=StatementStatus.RUNNING, progress=5, progress_note="Đang đọc tệp"
    )
    statement = Statement.objects.select_related("bank_account__organisation", "campaign").get(
        pk=statement_id
    )
    if not claimed:
        log.warning("statement %s is %s: not imported again", statement_id, statement.status)
        return statement.summary()
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with statement.file.open("rb") as handle:
        data = handle.read()
    return run_import(
        statement,
        data,
        actor=actor,
        layout=layout,
        mapping=mapping,
        header_row=header_row,
        number_format=number_format,
    )


def mark_failed(statement_id: int, reason: str) -> None:
    """A statement whose import could not finish (its task raised, or its process died):
    failed, with the reason, unless it had finished. Nothing of it was written: the lines,
    entries and donations go in one transaction (writing.commit)."""
    Statement.objects.filter(
        pk=statement_id, status__in=[StatementStatus.QUEUED, StatementStatus.RUNNING]
    ).update(
        status=StatementStatus.FAILED,
        progress=100,
        finished_at=timezone.now(),
        errors=[error(0, "", reason)],
    )


def run_import(
    statement,
    data: bytes,
    *,
    actor=None,
    layout="auto",
    mapping=None,
    header_row=None,
    number_format="auto",
) -> dict:
    """The whole pipeline for one stored Statement record."""
    bank_account = statement.bank_account
    earlier = (
        Statement.objects.filter(
            bank_account=bank_account, checksum=statement.checksum, status=StatementStatus.DONE
        )
        .exclude(pk=statement.pk)
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        return _same_file_again(statement, earlier)
    statement.status = StatementStatus.RUNNING
    statement.progress, statement.progress_note = 5, "Đang đọc và kiểm tra từng dòng"
    statement.save(update_fields=["status", "progress", "progress_note"])
    try:
        started = time.perf_counter()
        checked = check(
            statement,
            data,
            layout=layout,
            mapping=mapping,
            header_row=header_row,
            number_format=number_format,
        )
        log.info("statement %s checked in %.2f s", statement.pk, time.perf_counter() - started)
    except StatementError as exc:
        statement.status = StatementStatus.REJECTED
        statement.errors = [error(0, "", str(exc))]
        statement.progress, statement.finished_at = 100, timezone.now()
        statement.save()
        return statement.summary()
    summary = commit(statement, checked, actor)
    if statement.status == StatementStatus.DONE and statement.matched:
        # receipts for the named donors of campaigns that issue them automatically: a task of
        # its own, after the import's transaction (batched; running it again issues nothing)
        from nhandao.donations.tasks import issue_automatic_receipts

        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        enqueue_on_commit(issue_automatic_receipts, statement.pk, actor_id)
    if statement.status == StatementStatus.DONE and statement.debit_lines:
        # what the new debit lines paid (allocations, spending), in the same task
        from nhandao.donations.matching import match_debits

        match_debits(statement.bank_account, actor)
    if statement.status == StatementStatus.DONE and statement.added:
        # the new entries anchored in the public checkpoint log at once, not at the next
        # daily checkpoint (audit/checkpoints.py)
        from nhandao.donations.tasks import take_checkpoint

        enqueue_on_commit(take_checkpoint, "import")
    return summary


def _same_file_again(statement, earlier) -> dict:
    """The very file already imported into this account: every line is already present, so
    say so without reading it again (the counts are the earlier import's)."""
    for name in (
        "layout", "lines", "credit_lines", "debit_lines", "credits_total", "debits_total",
        "opening_balance", "closing_balance", "balance_breaks", "first_day", "last_day",
    ):  # fmt: skip
        setattr(statement, name, getattr(earlier, name))
    statement.added = statement.rejected = statement.matched = statement.unmatched = 0
    statement.already_present = earlier.added + earlier.already_present
    statement.errors = []
    statement.status = StatementStatus.DONE
    statement.progress = 100
    statement.progress_note = (
        f"Tệp này đã được nhập ngày {timezone.localtime(earlier.created_at):%d/%m/%Y} "
        f"(sao kê số {earlier.pk}): không thêm dòng nào."
    )[:120]
    statement.finished_at = timezone.now()
    statement.save()
    return statement.summary()
