"""What the data migrations that moved the three import records onto lib.imports
(donations.Statement, beneficiaries.ImportBatch, relief.LineImport) share: the old
statuses mapped to the one pipeline's, the old error shapes to the one shape, and files kept
in the database moved to the storage every import record uses. Kept as plain functions on
historical models, so that a test can run them on rows shaped as the old code wrote them."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from nhandao.lib.imports import row_error, rows_with_errors


def one_error(old: dict) -> dict:
    """{row, column, message} (registry, relief) or {row, column, reason, values} (bank
    statements) → {row, column, value, reason}; the value is the row's value in the named
    column when the old error kept the row's values."""
    if set(old) == {"row", "column", "value", "reason"}:
        return old
    values = old.get("values") or {}
    column = old.get("column") or ""
    value = values.get(column, "") if isinstance(values, dict) else ""
    return row_error(old.get("row") or 0, column, value, old.get("reason", old.get("message", "")))


def one_errors(errors) -> list[dict]:
    return [one_error(e) for e in errors or []]


def to_frame(model, statuses, *, warnings=False, content=False, upload_dir=""):
    """Each record of `model` (a historical model): its status through `statuses` (a dict
    old → new, or a function of the record for a status that needs more than its name), its
    errors (and warnings) in the one shape, rows_rejected counted, and its bytes (the old
    `content` column) stored as its file under `upload_dir`."""
    for record in model.objects.all().iterator(chunk_size=200):
        if callable(statuses):
            record.status = statuses(record)
        else:
            record.status = statuses.get(record.status, record.status)
        record.errors = one_errors(record.errors)
        record.rows_rejected = rows_with_errors(record.errors)
        names = ["status", "errors", "rows_rejected"]
        if warnings:
            record.warnings = one_errors(record.warnings)
            names.append("warnings")
        has_bytes = content and getattr(record, "content", None) is not None  # not moved yet
        if has_bytes and not record.file:
            when = timezone.localtime(record.uploaded_at) if record.uploaded_at else timezone.now()
            base = (record.file_name or "tep").rsplit("/", 1)[-1][:100]
            path = default_storage.save(
                f"{upload_dir}/{when:%Y/%m}/{base}", ContentFile(bytes(record.content))
            )
            record.file = path
            names.append("file")
        record.save(update_fields=names)


def back_from_frame(model, statuses: dict[str, str], *, warnings=False, message_key="message"):
    """The reverse, as far as it goes: the old statuses and error shape (files stay where
    they are; the content column is filled again from them)."""
    for record in model.objects.all().iterator(chunk_size=200):
        record.status = statuses.get(record.status, record.status)
        record.errors = [
            {"row": e["row"], "column": e["column"], message_key: e["reason"]}
            for e in record.errors or []
        ]
        names = ["status", "errors"]
        if warnings:
            record.warnings = [
                {"row": e["row"], "column": e["column"], "message": e["reason"]}
                for e in record.warnings or []
            ]
            names.append("warnings")
        if hasattr(record, "content") and record.file:
            with default_storage.open(record.file.name, "rb") as handle:
                record.content = handle.read()
            names.append("content")
        record.save(update_fields=names)
