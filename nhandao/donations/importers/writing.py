"""Writing a checked statement all or nothing: donors, lines, hash-chained ledger entries,
donations, with set-based inserts."""

import logging
import time
from itertools import islice

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record
from nhandao.donations import boilerplate
from nhandao.donations.importers.layouts import MAX_ERRORS_KEPT, Checked
from nhandao.donations.importers.names import fold_expr
from nhandao.donations.models import (
    Channel,
    Donation,
    DonationTotal,
    Donor,
    StatementLine,
    StatementStatus,
)

log = logging.getLogger(__name__)

# --- writing -------------------------------------------------------------------------------

CHUNK_ROWS = 50_000  # lines written per step (memory stays flat on long files)
LINE_COLUMNS = [
    "bank_account_id",
    "statement_id",
    "line_key",
    "row_no",
    "booked_on",
    "booked_time",
    "reference",
    "direction",
    "amount",
    "balance",
    "description",
    "description_key",
    "donor_name",
    "donor_key",
    "campaign_id",
    "page",
    "position",
]
# The columns of checked rows that writing uses (each filter or sort copies the columns it
# keeps).
NEEDED_COLUMNS = [
    "row_no",
    "d",
    "time",
    "reference",
    "direction",
    "value",
    "balance_v",
    "description",
    "description_key",
    "donor_name",
    "donor_account",
    "campaign_id",
    "line_key",
]
# A credit line naming a donor and the donor's account, and that donor's identity key as
# models.identity_key() makes it, "<folded name>|a:<account>" ("" for the other lines). The
# key is computed where it is used (the donors, then each chunk's donations) rather than
# kept in a dict from line to key, two Python strings per line of the whole file.
NAMES_DONOR = (
    (pl.col("direction") == "C") & (pl.col("donor_name") != "") & (pl.col("donor_account") != "")
)
DONOR_KEY = (
    pl.when(NAMES_DONOR)
    .then(
        pl.concat_str(
            [fold_expr(pl.col("donor_name")), pl.lit("|a:"), pl.col("donor_account")]
        ).str.slice(0, 255)
    )
    .otherwise(pl.lit(""))
)
DONOR_COLUMNS = [
    "organisation_id",
    "kind",
    "name",
    "name_key",
    "account_no",
    "phone",
    "code",
    "email",
    "address",
    "consent_publish",
    "identity_key",
    "created_at",
]


# what commit() computes of a statement, saved whether it ends done or failed
FIGURES = [
    "rows_read", "credit_lines", "debit_lines", "credits_total", "debits_total",
    "opening_balance", "closing_balance", "balance_breaks", "layout", "rows_accepted",
    "rows_duplicate", "progress", "first_day", "last_day",
]  # fmt: skip


def progress(statement, percent: int, note: str) -> None:
    type(statement).objects.filter(pk=statement.pk).update(progress=percent, progress_note=note)


def commit(statement, checked: Checked, actor=None) -> dict:
    """Write the checked rows all or nothing; fills the statement's counts."""

    bank_account = statement.bank_account
    org = bank_account.organisation
    now = timezone.now()
    statement.rows_read = checked.lines
    statement.credit_lines = checked.credit_lines
    statement.debit_lines = checked.debit_lines
    statement.credits_total = checked.credits_total
    statement.debits_total = checked.debits_total
    statement.opening_balance = checked.opening_balance
    statement.closing_balance = checked.closing_balance
    statement.balance_breaks = checked.balance_breaks
    if checked.rows.height:
        statement.first_day, statement.last_day = checked.rows["d"].min(), checked.rows["d"].max()
    statement.layout = checked.parsed.layout.name
    if not checked.ok:
        statement.rows_accepted = statement.rows_duplicate = 0
        statement.progress = 100
        statement.fail(checked.errors[:MAX_ERRORS_KEPT], actor=actor, fields=FIGURES)
        statement.rows_rejected = checked.rejected_rows  # rows, not errors: a row may have two
        statement.save(update_fields=["rows_rejected"])
        return statement.summary()

    # Only the columns written below. The cells as read and the other checked columns are
    # not needed any more: letting them go frees ~140 MB at 2 million lines before the writes.
    # a PDF's lines also keep their page and position (importers/pdf.py)
    kept = NEEDED_COLUMNS + [c for c in ("page", "position") if c in checked.rows.columns]
    rows = checked.rows = checked.rows.select(kept)
    checked.parsed.frame = checked.parsed.frame.clear()
    progress(statement, 60, "Đang ghi vào sổ")
    clock = [time.perf_counter()]
    timings = {}

    def lap(name):  # phase times, summed over the chunks, for the INFO log
        clock.append(time.perf_counter())
        timings[name] = round(timings.get(name, 0) + clock[-1] - clock[-2], 2)

    if connection.vendor == "sqlite":
        # A bigger page cache for this connection: the lines, entries and donations of a large
        # file touch many index pages (the default 2 MB cache makes the inserts superlinear).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Check each foreign key as its row goes in: PostgreSQL's queue of checks
            # deferred to COMMIT costs about twice as much for a file's ~1.8M checks.
            # (Rows go in parent first, so nothing here needs deferring.)
            _constraints("IMMEDIATE")
        present = _existing_keys(bank_account, rows)
        new = rows.filter(~present) if present.any() else rows
        statement.rows_duplicate = rows.height - new.height
        statement.rows_accepted = new.height
        statement.rows_rejected = 0
        if not new["d"].is_sorted():  # a statement comes in date order: nothing to copy
            new = new.sort(["d", "row_no"])
        is_credit = pl.col("direction") == "C"
        counts = new.select(
            is_credit.sum().alias("credits"),
            (is_credit & pl.col("campaign_id").is_not_null()).sum().alias("matched"),
        ).row(0, named=True)
        statement.matched = counts["matched"]
        statement.unmatched = counts["credits"] - statement.matched

        lap("existing_keys")
        donor_ids = _insert_donors(org, new, now)
        lap("donors")
        # Lines, ledger entries and donations, a chunk at a time: memory stays flat however
        # long the file, and each chunk's entries chain after the previous chunk's.
        accounts = {}
        for start in range(0, new.height, CHUNK_ROWS):
            chunk = new.slice(start, CHUNK_ROWS)
            line_ids = _insert_lines(statement, bank_account, chunk)
            lap("lines")
            credits = []
            for (campaign_id,), part in (
                chunk.filter(is_credit)
                .with_columns(DONOR_KEY.alias("donor_key"))
                .group_by("campaign_id", maintain_order=True)
            ):
                if campaign_id not in accounts:
                    accounts[campaign_id] = ledger.account_for(org, _campaign(campaign_id))
                items = [
                    (d, value, f"Chuyển khoản: {name or 'không rõ tên'}"[:255], f"stmt:{key}")
                    for d, value, name, key in part.select(
                        ["d", "value", "donor_name", "line_key"]
                    ).iter_rows()
                ]
                entry_ids = ledger.append_many(accounts[campaign_id], items, actor=actor)
                credits.append(part.with_columns(pl.Series("entry_id", entry_ids, pl.Int64)))
            lap("ledger")
            if credits:
                _insert_donations(org, pl.concat(credits), line_ids, donor_ids, actor, now)
            lap("donations")
        # the account's boilerplate phrases, learned again with this file's lines (issue #24)
        boilerplate.learn(bank_account.pk)
        lap("boilerplate")
        if connection.vendor == "postgresql":
            _constraints("DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED
        statement.errors = []
        statement.progress = 100
        statement.progress_note = f"Đã ghi {counts['credits']} khoản ủng hộ"
        if checked.review:
            _set_aside_for_review(statement, checked.review)
            statement.progress_note += f"; {len(checked.review)} dòng cần xem lại"
        statement.move(
            StatementStatus.DONE,
            actor=actor,
            fields=[*FIGURES, "rows_accepted", "rows_duplicate", "rows_rejected", "matched",
                    "unmatched", "errors", "progress_note"],
        )  # fmt: skip
        record(
            actor,
            "statement.import",
            statement,
            organisation=org,
            after={
                "filename": statement.file_name,
                "checksum": statement.checksum,
                **statement.summary(),
            },
        )
    lap("commit")
    log.info("statement %s import phases (s): %s", statement.pk, timings)
    return statement.summary()


def _set_aside_for_review(statement, review: list[dict]) -> None:
    """The lines that could not be posted, kept for an officer (models.ReviewLine): in the
    import's transaction, so a failed import leaves none."""
    from nhandao.donations.models import ReviewLine

    ReviewLine.objects.bulk_create(
        ReviewLine(
            statement=statement,
            bank_account=statement.bank_account,
            checksum=statement.checksum,
            row_no=item["row"],
            page=item["page"],
            position=item["position"],
            values=item["values"],
            reason=item["reason"],
        )
        for item in review
    )


def _existing_keys(bank_account, rows: pl.DataFrame) -> pl.Series:
    """Which rows are already in the book (same natural key, same account), looking only at
    the stored lines of the file's days. The stored keys are gathered into a polars Series a
    batch at a time: as a Python set they weighed ~0.25 GB at 2 million lines."""
    if not rows.height:
        return pl.Series([], dtype=pl.Boolean)
    stored = _frame(
        StatementLine.objects.filter(
            bank_account=bank_account, booked_on__range=(rows["d"].min(), rows["d"].max())
        ).values_list("line_key"),
        {"line_key": pl.Utf8},
    )
    return rows["line_key"].is_in(stored["line_key"].implode())


def _frame(values_list, schema: dict) -> pl.DataFrame:
    """The rows of a values_list() query as a polars frame, read a batch at a time: millions
    of keys as Python objects at once weighed hundreds of MB."""
    rows = values_list.iterator(chunk_size=CHUNK_ROWS)
    parts = [pl.DataFrame(schema=schema)]
    while batch := list(islice(rows, CHUNK_ROWS)):
        parts.append(pl.DataFrame(batch, schema=schema, orient="row"))
    return pl.concat(parts)


def _insert_donors(org, new: pl.DataFrame, now) -> pl.DataFrame:
    """One donor per (name, account) seen in the messages of the new credit lines, reusing
    those already in the book; returns (donor_key, donor_id) of the organisation's donors."""
    donor_rows = new.filter(NAMES_DONOR).select(
        "donor_name", "donor_account", DONOR_KEY.alias("donor_key")
    )
    known = _donor_ids(org)
    fresh = (
        donor_rows.filter(~pl.col("donor_key").is_in(known["donor_key"].implode()))
        .unique("donor_key", keep="first", maintain_order=True)
        .with_columns(fold_expr(pl.col("donor_name")).alias("donor_name_key"))
    )
    if fresh.is_empty():
        return known
    # the ids of the donors added below: above the highest id now (a sequence only grows)
    above = Donor.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    created_at = connection.ops.adapt_datetimefield_value(now)
    ledger.insert_rows(
        Donor._meta.db_table,
        DONOR_COLUMNS,
        [
            (org.pk, "individual", name, name_key, acct, "", "", "", "", False, key, created_at)
            for name, name_key, acct, key in fresh.select(
                ["donor_name", "donor_name_key", "donor_account", "donor_key"]
            ).iter_rows()
        ],
    )
    return pl.concat([known, _donor_ids(org, above)])


def _donor_ids(org, above: int = 0) -> pl.DataFrame:
    """(donor_key, donor_id) of the organisation's recognisable donors with an id above
    `above`."""
    return _frame(
        Donor.objects.filter(organisation=org, pk__gt=above)
        .exclude(identity_key="")
        .values_list("identity_key", "pk"),
        {"donor_key": pl.Utf8, "donor_id": pl.Int64},
    )


def _insert_lines(statement, bank_account, chunk: pl.DataFrame) -> pl.DataFrame:
    """The lines (credits and debits) of one chunk; returns (line_key, line_id)."""
    lines = chunk.select(
        pl.lit(bank_account.pk).alias("bank_account_id"),
        pl.lit(statement.pk).alias("statement_id"),
        "line_key",
        "row_no",
        pl.col("d").cast(pl.Utf8),
        pl.col("time").str.slice(0, 8),
        pl.col("reference").str.slice(0, 60),
        "direction",
        "value",
        "balance_v",
        "description",
        "description_key",
        pl.col("donor_name").str.slice(0, 200),
        fold_expr(pl.col("donor_name")).str.slice(0, 200).alias("donor_key"),
        "campaign_id",
        pl.col("page") if "page" in chunk.columns else pl.lit(None, pl.Int32).alias("page"),
        pl.col("position")
        if "position" in chunk.columns
        else pl.lit(None, pl.Float32).alias("position"),
    )
    inserted = ledger.insert_rows_staged(
        StatementLine._meta.db_table, LINE_COLUMNS, lines.iter_rows(), ["line_key", "id"]
    )
    return pl.DataFrame(inserted, schema={"line_key": pl.Utf8, "line_id": pl.Int64}, orient="row")


def _constraints(mode: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS ALL {mode}")


def _campaign(pk):
    if pk is None:
        return None
    from nhandao.campaigns.models import Campaign

    return Campaign.objects.get(pk=pk)


def _insert_donations(org, credits, line_ids, donor_ids, actor, now) -> None:
    """The donations of a chunk's credit lines, their line, entry and donor ids already in
    hand. (An INSERT … SELECT joining the lines and entries back made PostgreSQL hash every
    line and entry of the account for each chunk: slower with every import.)"""
    rows = credits.join(line_ids, on="line_key", how="left").join(
        donor_ids, on="donor_key", how="left"
    )
    if rows["line_id"].null_count():  # every line of the chunk was just inserted
        raise RuntimeError("statement import: a credit line was not written")
    ledger.insert_rows_staged(
        Donation._meta.db_table,
        [
            "campaign_id",
            "donor_id",
            "donor_name",
            "received_on",
            "amount",
            "statement_line_id",
            "ledger_entry_id",
        ],  # fmt: skip
        rows.select(
            "campaign_id",
            "donor_id",
            pl.col("donor_name").str.slice(0, 200),
            pl.col("d").cast(pl.Utf8),
            "value",
            "line_id",
            "entry_id",
        ).iter_rows(),
        constants={
            "organisation_id": org.pk,
            "channel": Channel.TRANSFER,
            "goods_item": "",
            "goods_quantity": None,
            "goods_unit": "",
            "earmark_kind": "",
            "earmark_ref": "",
            "note": "",
            "reversed_at": None,
            "created_by_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
            "created_at": connection.ops.adapt_datetimefield_value(now),
        },
    )
    # the campaign totals the figures read (DonationTotal), in the same transaction
    for campaign_id, amount, count in (
        rows.group_by("campaign_id")
        .agg(pl.col("value").sum().alias("amount"), pl.len().alias("count"))
        .iter_rows()
    ):
        DonationTotal.add(org.pk, campaign_id, Channel.TRANSFER, int(amount), int(count))
