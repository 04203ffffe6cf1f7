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
account) is answered by its earlier statement (lib.imports: the import frame), and a
statement that reaches the worker after the same file was imported is done at once.
"""

import logging
import re
import shutil
import time

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from nhandao.donations.importers import pdf, resume
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
from nhandao.lib.imports import rejected_rows_workbook, row_error
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
    "rejected_workbook",
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
    statement,
    data: bytes,
    *,
    layout="auto",
    mapping=None,
    header_row=None,
    number_format="auto",
    progress=None,
    checkpoint=None,
) -> Checked:
    """Read and check a stored statement's file, writing nothing (StatementError when the file
    as a whole cannot be taken): the preview and the import both go through here."""
    bank_account = statement.bank_account
    named = account_in_filename(statement.file_name)
    if named and named != bank_account.number:
        raise StatementError(
            f"Tệp sao kê của tài khoản {named}, không phải tài khoản {bank_account.number} đã chọn."
        )
    parsed = read_statement(
        data, statement.file_name, layout, mapping, header_row, number_format, progress, checkpoint
    )
    if parsed.pdf is not None:
        printed = parsed.pdf["account"]
        if printed and printed != bank_account.number:
            raise StatementError(
                f"Trang 1: sao kê PDF của tài khoản {printed}, không phải tài khoản "
                f"{bank_account.number} đã chọn."
            )
    corrections = _corrections(bank_account, parsed.checksum)
    if corrections:
        parsed.frame = _corrected(parsed, corrections)
    checked = validate(parsed, bank_account, campaigns_for(bank_account, statement.campaign))
    if parsed.pdf is not None:
        pdf.name_pages(checked)
        reasons = pdf.parse_checks(parsed, checked.credits_total + _refused_credits(checked))
        if reasons:
            raise StatementError(
                "Tệp PDF đọc không khớp với chính nó (mẫu đọc sai): " + " ".join(reasons[:20])
            )
    return checked


def _corrections(bank_account, file_checksum: str) -> dict:
    """The officers' corrections of this file's lines for this account: {row: review}."""
    from nhandao.donations.models import ReviewLine, ReviewStatus

    found = ReviewLine.objects.filter(
        bank_account=bank_account, checksum=file_checksum, status=ReviewStatus.CORRECTED
    ).order_by("corrected_at")
    return {line.row_no: line for line in found}


def _corrected(parsed, corrections: dict):
    """The file's cells with each corrected row's date and amount as the officer read them
    (written as the file would have them, then parsed and checked like every other row)."""
    import polars as pl

    frame = parsed.frame
    columns = parsed.layout.columns
    updates = {"date": pl.col("date")}
    for name in ("credit", "debit", "amount"):
        if name in columns:
            updates[name] = pl.col(name)
    if "ocr" in frame.columns:  # a line an officer confirmed is no longer OCR's guess
        updates["ocr"] = pl.col("ocr") & ~pl.col("row_no").is_in(list(corrections))
    for row, line in corrections.items():
        hit = pl.col("row_no") == row
        day = line.corrected_on.strftime("%d/%m/%Y")
        updates["date"] = pl.when(hit).then(pl.lit(day)).otherwise(updates["date"])
        amount = str(line.corrected_amount)
        if "credit" in columns or "debit" in columns:
            credit = amount if line.corrected_direction == "C" else ""
            debit = amount if line.corrected_direction == "D" else ""
            for name, value in (("credit", credit), ("debit", debit)):
                if name in updates:
                    updates[name] = pl.when(hit).then(pl.lit(value)).otherwise(updates[name])
        elif "amount" in updates:
            updates["amount"] = pl.when(hit).then(pl.lit(amount)).otherwise(updates["amount"])
    return frame.with_columns([expr.alias(name) for name, expr in updates.items()])


def _refused_credits(checked) -> int:
    """Credits of the lines refused or set aside (printed totals count them too)."""
    return 0


PREVIEW_IN_REQUEST_PAGES = 20  # a PDF with more pages is previewed by a background task
FIGURES = (
    "lines", "credit_lines", "credits_total", "debit_lines", "debits_total", "opening_balance",
    "closing_balance", "rejected_rows",
)  # fmt: skip


def previewed_in_background(data: bytes) -> bool:
    """A PDF too long to read while the officer waits for the page (upload → preview)."""
    return pdf.is_pdf(data) and pdf.page_count(data) > PREVIEW_IN_REQUEST_PAGES


def kept_preview(found: dict) -> dict:
    """A preview as it is kept on its statement (`mapping["preview"]`, JSON): the figures of
    the check, not the checked rows themselves; shown without reading the file again."""
    if "error" in found:
        return {"error": found["error"]}
    checked = found["checked"]
    return {
        "checked": {name: getattr(checked, name) for name in FIGURES},
        "sample": [{**r, "date": r["date"].isoformat()} for r in found["sample"]],
        "layout": found["layout"],
        "encoding": found["encoding"],
        "errors": found["errors"],
    }


def _shown(kept: dict) -> dict:
    from datetime import date

    if "error" in kept:
        return kept
    return kept | {"sample": [{**r, "date": date.fromisoformat(r["date"])} for r in kept["sample"]]}


def preview(statement, progress=None) -> dict:
    """What importing a pending statement would do, without writing: the checked figures, the
    first 20 rows as they would be recorded, and the errors ({"error": …} for a file that
    cannot be read at all). A statement previewed by the background task (a long PDF) shows
    the preview kept then, without reading its file again."""
    from nhandao.campaigns.models import Campaign

    options = statement.mapping or {}
    if options.get("preview"):
        return _shown(options["preview"])
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
            progress=progress,
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
        "encoding": checked.parsed.encoding,
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
    resume: bool = False,
) -> dict:
    """Import a queued statement from its stored file (what tasks.import_statement runs).
    The statement is claimed first, queued → committing with a filtered update, so that it is
    imported once however often its task runs (run again from the admin, two workers): a
    statement that is no longer queued is left as it is and its figures are returned.

    `resume`: the run queued again by resume_stopped() for a statement whose process died
    while reading it (still committing, its reading saved): it reads on from there."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    if resume:
        claimed = Statement.objects.filter(
            pk=statement_id, status=StatementStatus.COMMITTING
        ).exists()
    else:
        claimed = Statement.claim(
            statement_id,
            StatementStatus.QUEUED,
            StatementStatus.COMMITTING,
            actor=actor,
            progress=5,
            progress_note="Đang đọc tệp",
        )
    statement = Statement.objects.select_related("bank_account__organisation", "campaign").get(
        pk=statement_id
    )
    if not claimed:
        log.warning("statement %s is %s: not imported again", statement_id, statement.status)
        return statement.summary()
    return run_import(
        statement,
        statement.read_file(),
        actor=actor,
        layout=layout,
        mapping=mapping,
        header_row=header_row,
        number_format=number_format,
    )


def mark_failed(statement_id: int, reason: str) -> None:
    """A statement whose import could not finish (its task raised, or its process died):
    failed, with the reason, unless it had finished (lib.imports). Nothing of it was
    written: the lines, entries and donations go in one transaction (writing.commit)."""
    Statement.mark_failed(statement_id, reason)
    Statement.objects.filter(pk=statement_id, status=StatementStatus.FAILED).update(progress=100)
    shutil.rmtree(resume.folder(statement_id), ignore_errors=True)  # nothing to resume


def resume_stopped(args: list, kwargs: dict) -> bool:
    """The process importing a PDF statement died (a worker restarted): when the statement
    is still being imported and its reading was saved (importers/resume.py), queue its
    import again to read on from the last saved page, instead of failing it. False (then
    the statement is marked failed) when there is nothing to resume or it was resumed
    MAX_RESUMES times already (a file that kills its worker every time)."""
    from nhandao.donations.tasks import import_statement

    statement = Statement.objects.filter(pk=args[0], status=StatementStatus.COMMITTING).first()
    if statement is None:
        return False
    point = resume.Checkpoint(statement)
    state = point.state()
    if state is None:
        return False
    times = point.count_resume()
    if times is None or times > resume.MAX_RESUMES:
        return False
    Statement.objects.filter(pk=statement.pk).update(
        progress_note=f"Tiến trình nhập bị dừng; tiếp tục đọc từ trang {state['next'] + 1}"
    )
    enqueue_on_commit(import_statement, *args, **{**kwargs, "resume": True})
    log.warning("statement %s: import resumed at page %s", statement.pk, state["next"] + 1)
    return True


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
    """The whole pipeline for one Statement record (claimed by its task: committing; the
    demo and scripts call it on a statement just uploaded)."""
    if statement.status != StatementStatus.COMMITTING:
        statement.move(StatementStatus.COMMITTING, actor=actor)
    bank_account = statement.bank_account
    earlier = (
        Statement.objects.filter(
            bank_account=bank_account, checksum=statement.checksum, status=StatementStatus.DONE
        )
        .exclude(pk=statement.pk)
        .order_by("pk")
        .first()
    )
    if (statement.mapping or {}).get("again"):
        earlier = None  # imported again on purpose, with the review's corrections
    if earlier is not None:  # imported meanwhile (two uploads of one file at the same time)
        return _same_file_again(statement, earlier)
    statement.progress, statement.progress_note = 5, "Đang đọc và kiểm tra từng dòng"
    statement.save(update_fields=["progress", "progress_note"])

    def pages_read(page: int, pages: int) -> None:
        """A PDF's reading, shown on the statement's page (page N of M): 5 → 50 %."""
        type(statement).objects.filter(pk=statement.pk).update(
            progress=5 + 45 * page // pages, progress_note=f"Đang đọc trang {page} / {pages}"
        )

    point = resume.Checkpoint(statement) if pdf.is_pdf(data) else None
    try:
        started = time.perf_counter()
        checked = check(
            statement,
            data,
            layout=layout,
            mapping=mapping,
            header_row=header_row,
            number_format=number_format,
            progress=pages_read,
            checkpoint=point,
        )
        log.info("statement %s checked in %.2f s", statement.pk, time.perf_counter() - started)
    except StatementError as exc:
        if point is not None:
            point.clear()
        statement.progress = 100
        # the file's refusal (its first line) and, when the reader refused rows, each of them
        # in the one error shape (lib.imports.row_error)
        errors = [error(0, "", str(exc).splitlines()[0])] + [
            row_error(e.row, e.column, e.value, e.reason) for e in exc.row_errors if e.row
        ]
        statement.fail(errors, actor=actor, fields=["progress"])
        return statement.summary()
    summary = commit(statement, checked, actor)
    if point is not None:
        point.clear()  # written (or refused) once and for all: nothing left to resume
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
    if statement.status == StatementStatus.DONE and statement.rows_accepted:
        # the new entries anchored in the public checkpoint log at once, not at the next
        # daily checkpoint (audit/checkpoints.py)
        from nhandao.donations.tasks import take_checkpoint

        enqueue_on_commit(take_checkpoint, "import")
    return summary


def _same_file_again(statement, earlier) -> dict:
    """The very file already imported into this account: every line is already present, so
    say so without reading it again (the counts are the earlier import's)."""
    names = [
        "layout", "rows_read", "credit_lines", "debit_lines", "credits_total", "debits_total",
        "opening_balance", "closing_balance", "balance_breaks", "first_day", "last_day",
    ]  # fmt: skip
    for name in names:
        setattr(statement, name, getattr(earlier, name))
    statement.rows_accepted = statement.rows_rejected = statement.matched = 0
    statement.unmatched = 0
    statement.rows_duplicate = earlier.rows_accepted + earlier.rows_duplicate
    statement.errors = []
    statement.progress = 100
    statement.progress_note = (
        f"Tệp này đã được nhập ngày {timezone.localtime(earlier.uploaded_at):%d/%m/%Y} "
        f"(sao kê số {earlier.pk}): không thêm dòng nào."
    )[:120]
    names += ["rows_accepted", "rows_rejected", "matched", "unmatched", "rows_duplicate"]
    statement.move(StatementStatus.DONE, fields=[*names, "errors", "progress", "progress_note"])
    return statement.summary()


def rejected_workbook(statement) -> bytes:
    """The rejected lines (lib.imports.rejected_rows_workbook): each error with the line as
    it was in the file, read again with the statement's options (a file refused as a whole
    has its reason only)."""
    options = statement.mapping or {}
    header, rows = [], {}
    numbers = {e["row"] for e in statement.errors if e["row"]}
    if numbers:
        try:
            parsed = read_statement(
                statement.read_file(),
                statement.file_name,
                options.get("layout") or statement.layout or "auto",
                options.get("columns"),
                options.get("header_row"),
                options.get("number_format") or "auto",
            )
        except StatementError:
            parsed = None
        if parsed is not None:
            columns = parsed.layout.columns
            fields = [name for name in FIELDS if name in columns]
            header = [columns[name] for name in fields]
            wanted = parsed.frame.filter(parsed.frame["row_no"].is_in(list(numbers)))
            for row in wanted.select(["row_no", *fields]).iter_rows():
                rows[row[0]] = list(row[1:])
    return rejected_rows_workbook(statement.errors, header, rows)
