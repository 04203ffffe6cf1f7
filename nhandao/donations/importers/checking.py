"""Checking every row: amounts, dates, directions, the running balance, duplicates, natural
keys, campaigns (memo, deadlines) and donor names."""

import hashlib
import logging
import re

import polars as pl

from nhandao.donations.importers.layouts import FIELD_LABELS, FIELDS, OUTGOING_RE, Checked, Parsed
from nhandao.donations.importers.names import (
    CT_RE,
    LEAD_NAME_RE,
    PREFIX_RE,
    fold_expr,
    plausible_name,
)
from nhandao.donations.importers.reading import amounts, dates
from nhandao.lib.imports import row_error
from nhandao.lib.money import format_vnd
from nhandao.lib.text import fold

log = logging.getLogger(__name__)

# --- validation ----------------------------------------------------------------------------


def vnd(amount: int) -> str:
    return format_vnd(amount, symbol=False)


def error(row, column, reason, values=None):
    """One error in the shape of every import (lib.imports.row_error): the value is the
    row's cell in the named column, when the row's cells are given."""
    return row_error(row, column, (values or {}).get(column, ""), reason)


def validate(parsed: Parsed, bank_account, campaigns=()) -> Checked:
    """Check every row; compute directions, amounts, keys, donors, campaigns."""
    f = parsed.frame
    cols = parsed.layout.columns
    fmt = parsed.number_format
    parsed_columns = [*dates(f, "date")]
    for name in ("debit", "credit", "amount", "balance"):
        parsed_columns += amounts(f, name, fmt)
    f = f.with_columns(
        [
            column.alias(alias)
            for column, alias in zip(
                parsed_columns,
                [
                    "d",
                    "date_why",
                    "debit_v",
                    "debit_why",
                    "credit_v",
                    "credit_why",
                    "amount_v",
                    "amount_why",
                    "balance_v",
                    "balance_why",
                ],
                strict=True,
            )
        ]  # fmt: skip
    )
    errors: list[dict] = []
    raw_cols = FIELDS
    label = {k: cols.get(k, FIELD_LABELS[k]) for k in FIELD_LABELS}

    def add(mask: pl.Expr, column: str, reason: str | None):
        """Rows where `mask` holds; `reason` None: the row's own, in column <column>_why."""
        why = f"{column}_why" if reason is None else None
        bad = f.filter(mask).select(["row_no", *raw_cols, *([why] if why else [])])
        for row in bad.iter_rows(named=True):
            values = {cols[k]: row[k] for k in raw_cols if k in cols}
            errors.append(error(row["row_no"], label[column], reason or row[why], values))

    add(pl.col("date") == "", "date", "Thiếu ngày giao dịch.")
    add(pl.col("date_why").is_not_null(), "date", None)  # lib.dates.parse_date's reason
    for name in ("debit", "credit", "amount", "balance"):
        if name in cols:
            add(pl.col(f"{name}_why").is_not_null(), name, None)  # lib.money.parse_vnd's

    if "amount" in cols:
        signed = pl.col("amount_v")
        if parsed.layout.unsigned_amount:
            outgoing = fold_expr(pl.col("description")).str.contains(OUTGOING_RE)
            signed = pl.when(outgoing).then(-pl.col("amount_v")).otherwise(pl.col("amount_v"))
        f = f.with_columns(signed.alias("signed"))
        add(pl.col("amount") == "", "amount", "Thiếu số tiền.")
        add(pl.col("amount_v") == 0, "amount", "Số tiền bằng 0.")
        if parsed.layout.unsigned_amount:
            add(pl.col("amount_v") < 0, "amount", "Số tiền âm trong cột không mang dấu.")
    else:
        f = f.with_columns(
            (pl.col("credit_v").fill_null(0) - pl.col("debit_v").fill_null(0)).alias("signed")
        )
        has_debit, has_credit = pl.col("debit") != "", pl.col("credit") != ""
        both = (
            has_debit
            & has_credit
            & (pl.col("debit_v").fill_null(0) != 0)
            & (pl.col("credit_v").fill_null(0) != 0)
        )
        add(both, "credit", "Dòng có cả số ghi nợ và số ghi có.")
        add(
            ~has_debit & ~has_credit,
            "credit" if "credit" in cols else "debit",
            "Thiếu số tiền (cả ghi nợ và ghi có đều trống).",
        )
        add(
            (pl.col("credit_v") < 0) | (pl.col("debit_v") < 0),
            "credit" if "credit" in cols else "debit",
            "Số tiền âm.",
        )
        readable = ~(
            (has_debit & pl.col("debit_v").is_null()) | (has_credit & pl.col("credit_v").is_null())
        )
        add(
            (has_debit | has_credit) & readable & ~both & (pl.col("signed") == 0),
            "credit" if "credit" in cols else "debit",
            "Số tiền bằng 0.",
        )

    if "account" in cols:
        digits = pl.col("account").str.replace_all(r"\D", "")
        add(
            digits != bank_account.number,
            "account",
            f"Dòng của tài khoản khác, không phải tài khoản {bank_account.number}.",
        )

    # Exact duplicates of a line that carries a reference.
    if "reference" in cols:
        key_cols = [name for name in FIELDS if name != "account"]
        # Only lines whose reference recurs can repeat a line: grouping every line by all its
        # cells took ~0.6 GB for a 2-million-line file.
        dup = (
            f.filter((pl.col("reference") != "") & pl.col("reference").is_duplicated())
            .with_columns(pl.col("row_no").min().over(key_cols).alias("first_row"))
            .filter(pl.col("row_no") != pl.col("first_row"))
        )
        for row in dup.select(["row_no", "first_row", *raw_cols]).iter_rows(named=True):
            values = {cols[k]: row[k] for k in raw_cols if k in cols}
            errors.append(
                error(
                    row["row_no"],
                    label["reference"],
                    f"Dòng trùng lặp với dòng {row['first_row']}.",
                    values,
                )
            )

    # Running balance: balance = previous balance + credit − debit.
    breaks = []
    opening = closing = None
    if "balance" in cols:
        b = f.select(["row_no", "signed", "balance_v", "reference"]).with_columns(
            pl.col("balance_v").shift(1).alias("prev")
        )
        gaps = b.filter(
            pl.col("prev").is_not_null()
            & pl.col("balance_v").is_not_null()
            & (pl.col("prev") + pl.col("signed").fill_null(0) != pl.col("balance_v"))
        )
        for row in gaps.iter_rows(named=True):
            implied = row["balance_v"] - row["prev"]
            breaks.append(
                {
                    "row": row["row_no"],
                    "reference": row["reference"],
                    "previous_balance": row["prev"],
                    "balance": row["balance_v"],
                    "amount_in_file": row["signed"] or 0,
                    "implied_amount": implied,
                    "reason": (
                        f"Số dư không liên tục: số dư trước {vnd(row['prev'])} + số tiền "
                        f"{vnd(row['signed'] or 0)} ≠ số dư {vnd(row['balance_v'])}; theo số "
                        f"dư, số tiền của dòng là {vnd(implied)} đồng."
                    ),
                }
            )
            errors.append(error(row["row_no"], label["balance"], breaks[-1]["reason"]))
        first = b.filter(pl.col("balance_v").is_not_null()).head(1)
        if first.height:
            opening = first["balance_v"][0] - (first["signed"][0] or 0)
            closing = b.filter(pl.col("balance_v").is_not_null())["balance_v"][-1]

    errors.sort(key=lambda e: (e["row"], e["column"]))
    review = _set_aside(f, errors, label, parsed)
    if review:
        aside = {item["row"] for item in review}
        errors = [e for e in errors if e["row"] not in aside]
    bad_rows = {e["row"] for e in errors} | {item["row"] for item in review}
    good = f.filter(~pl.col("row_no").is_in(list(bad_rows))) if bad_rows else f
    good = good.with_columns(
        pl.when(pl.col("signed") > 0).then(pl.lit("C")).otherwise(pl.lit("D")).alias("direction"),
        pl.col("signed").abs().alias("value"),
    )
    # Counted and summed in place (filtering out the credits copied every column).
    is_credit, is_debit = pl.col("direction") == "C", pl.col("direction") == "D"
    totals = good.select(
        is_credit.sum().alias("credit_lines"),
        is_debit.sum().alias("debit_lines"),
        pl.col("value").filter(is_credit).sum().alias("credits_total"),
        pl.col("value").filter(is_debit).sum().alias("debits_total"),
    ).row(0, named=True)
    checked = Checked(
        parsed=parsed,
        rows=good,
        errors=errors,
        balance_breaks=breaks,
        lines=f.height,
        credit_lines=totals["credit_lines"],
        debit_lines=totals["debit_lines"],
        credits_total=int(totals["credits_total"] or 0),
        debits_total=int(totals["debits_total"] or 0),
        opening_balance=opening,
        closing_balance=closing,
        rejected_rows=len(bad_rows) - len(review),
        review=review,
    )
    if not errors:
        _refuse_late_lines(checked, bank_account, campaigns)
    return checked


SENDER_TAIL_RE = r"\s*[–-]\s*A/C.*$"  # VietinBank's "NAME – A/C 0123…"
SENDER_HEAD_RE = r"^VND-TGTT-"  # a transfer from a VietinBank current account
# A line that cannot be posted as read goes to review instead of refusing the file (issue
# #24: one outgoing line whose debit the source lost refused a 386,000-line file).
REVIEWABLE = ("Thiếu số tiền", "Số tiền bằng 0")
OCR_REASON = "Đọc bằng OCR từ trang quét: cần cán bộ xác nhận trước khi ghi vào sổ."


def _set_aside(f: pl.DataFrame, errors: list[dict], label: dict, parsed: Parsed) -> list[dict]:
    """The rows whose every error is reviewable — an amount missing or zero; in a PDF also a
    date or amount that could not be read (the words under the column were not a date or an
    amount) — and every row read by OCR, when no other row has an error (a file refused for
    other reasons lists them all). Each as {row, page, position, values, reason}."""
    ocr = set(f.filter(pl.col("ocr"))["row_no"].to_list()) if "ocr" in f.columns else set()
    if not errors and not ocr:
        return []
    readable = {label[name] for name in ("date", "debit", "credit", "amount")}

    def reviewable(e: dict) -> bool:
        if e["reason"].startswith(REVIEWABLE):
            return True
        return parsed.pdf is not None and e["column"] in readable and e["row"] > 0

    by_row: dict[int, list[dict]] = {}
    for e in errors:
        by_row.setdefault(e["row"], []).append(e)
    if not all(reviewable(e) for e in errors):
        return []
    rows = f.filter(pl.col("row_no").is_in(list(set(by_row) | ocr)))
    cells = ["date", "time", "reference", "debit", "credit", "amount", "description"]
    extra = [c for c in ("page", "position") if c in rows.columns]
    out = []
    for row in rows.select(["row_no", *cells, *extra]).iter_rows(named=True):
        out.append(
            {
                "row": row["row_no"],
                "page": row.get("page"),
                "position": row.get("position"),
                "values": {name: row[name] for name in cells if row[name]},
                "reason": " ".join(
                    ([OCR_REASON] if row["row_no"] in ocr else [])
                    + [
                        f"{e['column']}: {e['reason']}" if e["column"] else e["reason"]
                        for e in by_row.get(row["row_no"], [])
                    ]
                )[:300],
            }
        )
    return out


def _refuse_late_lines(checked: Checked, bank_account, campaigns) -> None:
    """Assign each credit line to a campaign and refuse those past the receiving deadline."""
    rows = _with_keys_and_campaigns(checked.rows, bank_account, campaigns)
    checked.rows = rows
    by_id = {c.pk: c for c in campaigns if c is not None}
    late = rows.filter(pl.col("late"))
    for row in late.select(["row_no", "campaign_id", "d"]).iter_rows(named=True):
        reason = by_id[row["campaign_id"]].refusal_for(row["d"])
        checked.errors.append(error(row["row_no"], checked.parsed.layout.columns["date"], reason))
    if checked.errors:
        checked.rejected_rows = len({e["row"] for e in checked.errors})


def _with_keys_and_campaigns(rows: pl.DataFrame, bank_account, campaigns) -> pl.DataFrame:
    rows = rows.with_columns(fold_expr(pl.col("description")).alias("description_key"))
    # Campaign: the memo in the message wins, then the statement's/account's campaign.
    default, memo_campaigns = None, []
    for campaign in campaigns:
        if campaign is None:
            continue
        if campaign.transfer_memo:
            memo_campaigns.append(campaign)
        if default is None and getattr(campaign, "_is_default", False):
            default = campaign
    expr = pl.lit(default.pk if default else None, dtype=pl.Int64)
    launch = pl.lit(default.launch_date if default else None, dtype=pl.Date)
    for campaign in reversed(memo_campaigns):
        # The memo in the message without its spaces, i.e. the memo's characters at most one
        # space apart in the folded message (its spaces are single): the same test without a
        # space-less copy of every message (~0.3 GB at 2 million lines).
        memo = fold(campaign.transfer_memo).replace(" ", "")
        hit = pl.col("description_key").str.contains(" ?".join(re.escape(ch) for ch in memo))
        expr = pl.when(hit).then(pl.lit(campaign.pk, dtype=pl.Int64)).otherwise(expr)
        launch = pl.when(hit).then(pl.lit(campaign.launch_date)).otherwise(launch)
    rows = rows.with_columns(expr.alias("campaign_id"), launch.alias("launch"))
    # Before a campaign's launch a credit belongs to the organisation's general fund.
    rows = rows.with_columns(
        pl.when(
            (pl.col("direction") == "C")
            & pl.col("launch").is_not_null()
            & (pl.col("d") >= pl.col("launch"))
        )
        .then(pl.col("campaign_id"))
        .otherwise(None)
        .alias("campaign_id")
    )
    closes = {c.pk: c.receiving_closes_on() for c in campaigns if c is not None}
    late = pl.lit(False)
    for pk, day in closes.items():
        if day is not None:
            late = late | ((pl.col("campaign_id") == pk) & (pl.col("d") > pl.lit(day)))
    rows = rows.with_columns(late.alias("late"))
    # Donor: "CT tu <account> <NAME> toi …" gives name and account; else a leading name.
    stripped = pl.col("description").str.replace(PREFIX_RE, "")
    rows = rows.with_columns(
        pl.col("description").str.extract(CT_RE, 1).fill_null("").alias("donor_account"),
        pl.col("description")
        .str.extract(CT_RE, 2)
        .fill_null("")
        .str.strip_chars()
        .alias("ct_name"),
        stripped.str.extract(LEAD_NAME_RE, 1).fill_null("").str.strip_chars().alias("lead_name"),
    )
    rows = rows.with_columns(
        plausible_name(pl.col("ct_name")).alias("ct_ok"),
        plausible_name(pl.col("lead_name")).alias("lead_ok"),
    )
    rows = rows.with_columns(
        pl.when(pl.col("ct_ok") != "")
        .then(pl.col("ct_ok"))
        .otherwise(pl.col("lead_ok"))
        .alias("donor_name"),
        pl.when(pl.col("ct_ok") != "")
        .then(pl.col("donor_account"))
        .otherwise(pl.lit(""))
        .alias("donor_account"),
    )
    if "sender" in rows.columns:
        # the bank's own sender column (a PDF template's, VietinBank "NAME – A/C …"): the
        # name the bank printed comes before one guessed from the message
        sender = plausible_name(
            pl.col("sender")
            .str.replace(SENDER_TAIL_RE, "")
            .str.replace(SENDER_HEAD_RE, "")
            .str.strip_chars()
        )
        rows = rows.with_columns(
            pl.when(sender != "").then(sender).otherwise(pl.col("donor_name")).alias("donor_name")
        )
    # The name candidates served only to choose donor_name.
    rows = rows.drop("launch", "ct_name", "lead_name", "ct_ok", "lead_ok")
    return rows.with_columns(natural_keys(rows, bank_account.number).alias("line_key"))


def stored_natural_keys(lines, account: str) -> list[str]:
    """natural_keys() of stored lines (StatementLine rows, in the order they were read):
    how an import keys them, for a migration that must key them again."""
    frame = pl.DataFrame(
        {
            "d": [line.booked_on for line in lines],
            "reference": [line.reference for line in lines],
            "direction": [line.direction for line in lines],
            "value": [line.amount for line in lines],
            "description_key": [line.description_key for line in lines],
        },
        schema={"d": pl.Date, "reference": pl.Utf8, "direction": pl.Utf8, "value": pl.Int64,
                "description_key": pl.Utf8},
    )  # fmt: skip
    return natural_keys(frame, account).to_list()


def natural_keys(rows: pl.DataFrame, account: str) -> pl.Series:
    """The stored key of each line: the day (YYYYMMDD) then 32 hex digits of the SHA-1 of the
    key text. The day first keeps the unique index's inserts and lookups together (lines come
    in date order); a bare hash scattered them over the whole index (superlinear at millions).
    The key texts (~100 characters a line) are made and hashed a slice at a time: all of them
    at once, and as Python strings, took several hundred MB at 2 million lines."""
    # n = how many lines with the same key came earlier in the file; the message is part of
    # the key only when there is no reference.
    day, value = pl.col("d").cast(pl.Utf8), pl.col("value").cast(pl.Utf8)
    by_reference = pl.concat_str(
        [pl.lit(f"r|{account}|"), day, pl.lit("|"), pl.col("reference"), pl.lit("|"),
         pl.col("direction"), pl.lit("|"), value]
    )  # fmt: skip
    by_text = pl.concat_str(
        [pl.lit(f"t|{account}|"), day, pl.lit("|"), pl.col("direction"), pl.lit("|"), value,
         pl.lit("|"), pl.col("description_key")]
    )  # fmt: skip
    key0 = pl.when(pl.col("reference") != "").then(by_reference).otherwise(by_text)
    # Counted only among the lines whose key recurs (n is 0 for the others): a window over
    # every line took ~0.2 GB more at 2 million lines.
    keyed = rows.select("d", "reference", "direction", "value", "description_key")
    repeated = keyed.select(key0.is_duplicated()).to_series()
    n = pl.zeros(keyed.height, pl.Int64, eager=True)
    if repeated.any():
        counts = keyed.filter(repeated).select(pl.int_range(pl.len()).over(key0)).to_series()
        n = n.scatter(repeated.arg_true(), counts)
    keyed = keyed.with_columns(n.alias("n"))
    key_text = pl.concat_str([key0, pl.lit("|"), pl.col("n").cast(pl.Utf8)])
    sha1, step = hashlib.sha1, 100_000
    digests = [pl.Series([], dtype=pl.Utf8)]
    for start in range(0, keyed.height, step):
        texts = keyed.slice(start, step).select(key_text).to_series().to_list()
        digests.append(pl.Series([sha1(t.encode()).hexdigest()[:32] for t in texts]))  # noqa: S324
    return rows.select(
        pl.concat_str([pl.col("d").dt.strftime("%Y%m%d"), pl.concat(digests)])
    ).to_series()
