"""The one import frame: every uploaded file (a bank statement, a registry list, a
distribution list, and every importer to come) is an `ImportRecord` with the same fields,
the same status pipeline, the same error shape and the same rejected-rows workbook
(docs/decisions/0008-one-import-frame.md).

    class Statement(ImportRecord):                  # the app's concrete record
        target_fields = ("bank_account",)            # "the same file again" means: for this
        row_key = "account, date, reference, …"      # the importer's natural key, in words
        history_model = "donations.StatementStatusChange"

    earlier = Statement.earlier_same_file(checksum, bank_account=account)  # idempotency
    statement.move(ImportStatus.PREVIEWED, actor=user)      # a checked move + a history row
    Statement.claim(pk, QUEUED, COMMITTING)                 # once, with a filtered update
    statement.fail(reason) / Statement.mark_failed(pk, reason)   # the task died or refused
    errors.append(row_error(12, "Số tiền", "1.5OO", "không phải số tiền"))
    rejected_rows_workbook(statement.errors, header, rows_by_number)   # bytes of an .xlsx

The status pipeline (IMPORTS):

    uploaded ─┬─→ previewed ─┬─→ queued ─→ committing ─┬─→ done
              │               └─────────→ committing    └─→ failed
              ├─→ queued, or committing (imported without a preview)
              └─→ failed (the file refused as a whole, or checking died)
    previewed → failed (errors found), previewed → cancelled (the officer drops it)

`failed` always carries its reason in `errors` (row 0: the file as a whole, or the system).
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from nhandao.lib.exports import Sheet, xlsx_bytes
from nhandao.lib.pipeline import Move, Pipeline

MAX_ERRORS = 5000  # per import: enough to fix a file, small enough to store and show


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Đã tải lên, đang kiểm tra"
    PREVIEWED = "previewed", "Đã kiểm tra, chờ xác nhận"
    QUEUED = "queued", "Chờ đến lượt nhập"
    COMMITTING = "committing", "Đang nhập"
    DONE = "done", "Đã nhập"
    FAILED = "failed", "Không nhập được"
    CANCELLED = "cancelled", "Đã bỏ, không nhập"


S = ImportStatus

IMPORTS = Pipeline(
    ImportStatus,
    noun="tệp nhập",
    moves=[
        Move(S.UPLOADED, S.PREVIEWED, "Kiểm tra xong"),
        Move(S.UPLOADED, S.QUEUED, "Nhập ngay"),
        Move(S.UPLOADED, S.COMMITTING, "Nhập ngay"),
        Move(S.UPLOADED, S.FAILED, "Từ chối tệp"),
        Move(S.PREVIEWED, S.QUEUED, "Xác nhận nhập"),
        Move(S.PREVIEWED, S.COMMITTING, "Xác nhận nhập"),
        Move(S.PREVIEWED, S.FAILED, "Từ chối tệp"),
        Move(S.PREVIEWED, S.CANCELLED, "Bỏ tệp, không nhập", style="secondary"),
        Move(S.QUEUED, S.COMMITTING, "Bắt đầu nhập"),
        Move(S.QUEUED, S.FAILED, "Dừng nhập"),
        Move(S.COMMITTING, S.DONE, "Nhập xong"),
        Move(S.COMMITTING, S.FAILED, "Dừng nhập"),
    ],
)

# an import still on its way: a page refreshes itself, a task may still finish it
IN_PROGRESS = (S.UPLOADED, S.QUEUED, S.COMMITTING)
# what a task that died leaves failed (a preview that was done is not the task's to fail)
UNFINISHED = (S.UPLOADED, S.QUEUED, S.COMMITTING)


def _printable(text: str) -> str:
    """A value as it may be stored and shown: control characters written as U+XXXX (a NUL
    cannot be stored in PostgreSQL's JSON, and none should reach a page)."""
    return "".join(f"U+{ord(ch):04X}" if ord(ch) < 32 and ch not in "\t" else ch for ch in text)


def row_error(row: int, column: str = "", value="", reason: str = "") -> dict:
    """The one shape of an import error: the file's row (0: the file as a whole), the
    column's name as the file has it, the value found (as text), and why in Vietnamese."""
    return {
        "row": int(row or 0),
        "column": _printable(str(column or "")),  # a header read from a broken file, too
        "value": "" if value is None else _printable(str(value)),
        "reason": _printable(str(reason)),
    }


def error_text(error: dict) -> str:
    """ "Dòng 12, cột “Số tiền”: “1.5OO” không phải số tiền" — one error in words (the
    reasons quote the value where it helps; the value itself is a column of its own)."""
    where = [f"Dòng {error['row']}"] if error.get("row") else []
    if error.get("column"):
        where.append(f"cột “{error['column']}”")
    text = ", ".join(where)
    return f"{text}: {error['reason']}" if text else error["reason"]


def rows_with_errors(errors: list[dict]) -> int:
    """How many of the file's rows (row 0, the file itself, aside) were rejected."""
    return len({e["row"] for e in errors if e.get("row")})


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_to(record, filename: str) -> str:
    """Where an import's file is stored: its app's folder, by month."""
    return f"{record.upload_dir}/{timezone.now():%Y/%m}/{filename}"  # a "%" in a name stays


class ImportRecord(models.Model):
    """An uploaded file and what became of it. Each concrete record adds its target (the
    account, the organisation, the round) and the figures of its own kind, and declares:

    - `target_fields`: the fields that say "the same target" (the same file for the same
      target is answered by the earlier import, never imported twice);
    - `row_key`: its natural key of a row in words (re-importing rows adds nothing);
    - `history_model`: "app.Model" of its StatusChange rows;
    - `upload_dir`: the folder of its files.
    """

    file = models.FileField("tệp", upload_to=upload_to, max_length=255, blank=True)
    file_name = models.CharField("tên tệp", max_length=255)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người tải lên",
    )
    uploaded_at = models.DateTimeField("lúc tải lên", auto_now_add=True)
    status = models.CharField(
        "tình trạng", max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows_read = models.PositiveIntegerField("số dòng đọc được", default=0)
    rows_accepted = models.PositiveIntegerField("dòng nhận", default=0)
    rows_rejected = models.PositiveIntegerField("dòng bị từ chối", default=0)
    rows_duplicate = models.PositiveIntegerField("dòng đã có", default=0)
    errors = models.JSONField("lỗi", default=list, blank=True)  # [row_error(…)]
    finished_at = models.DateTimeField("lúc xong", null=True, blank=True)

    pipeline = IMPORTS
    target_fields: tuple[str, ...] = ()
    row_key = ""
    history_model = ""
    upload_dir = "imports"
    detail_url_name = ""  # the record's page, linked from the uploader's notification
    user_moves: tuple[str, ...] = (S.COMMITTING, S.CANCELLED)
    repeated = False  # set by an importer's start when an upload is answered by this record

    class Meta:
        abstract = True

    def __str__(self):
        return self.file_name

    # --- the file ---

    def store_file(self, data: bytes, file_name: str) -> None:
        """Keep the uploaded bytes, their name and checksum (before the first save)."""
        from django.core.files.base import ContentFile

        self.file_name = file_name[:255]
        self.checksum = checksum(data)
        self.file.save(file_name.rsplit("/", 1)[-1][:100] or "tep", ContentFile(data), save=False)

    def read_file(self) -> bytes:
        with self.file.open("rb") as handle:
            return handle.read()

    # --- status ---

    @property
    def status_label(self) -> str:
        return self.pipeline.label(self.status)

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def is_done(self) -> bool:
        return self.status == S.DONE

    @property
    def awaiting_confirmation(self) -> bool:
        return self.status == S.PREVIEWED

    @property
    def finished(self) -> bool:
        return self.status in (S.DONE, S.FAILED, S.CANCELLED)

    def allowed_moves(self, can=lambda permission: True):
        """The moves a user may make by hand from here (the buttons of its page): those of
        the pipeline that this kind of import offers (`user_moves`) and `can` allows."""
        return [m for m in self.pipeline.moves_for(self, can=can) if m.target in self.user_moves]

    @classmethod
    def history_class(cls):
        return apps.get_model(cls.history_model) if cls.history_model else None

    def move(self, target: str, *, actor=None, note: str = "", fields=()) -> str:
        """Move to `target` if the pipeline allows it (Refused otherwise), saving the status,
        `finished_at` when it ends, and the other `fields` the caller changed; writes the
        history row. Returns the status before."""
        source = self.status
        self.pipeline.check(source, target)
        self.status = target
        names = ["status", *fields]
        if target in (S.DONE, S.FAILED, S.CANCELLED):
            self.finished_at = timezone.now()
            names.append("finished_at")
        self.save(update_fields=list(dict.fromkeys(names)))
        self.log_move(source, target, actor=actor, note=note)
        if target in (S.DONE, S.FAILED):
            self.notify_uploader()
        return source

    def notify_uploader(self) -> None:
        """Tell whoever uploaded the file that its import is done or failed (lib.notify)."""
        from django.urls import reverse

        from nhandao.lib.notify import notify

        if self.uploaded_by_id is None:
            return
        link = reverse(self.detail_url_name, args=[self.pk]) if self.detail_url_name else ""
        if self.status == S.DONE:
            subject = f"Đã nhập xong tệp “{self.file_name}”"
            body = (
                f"Nhận {self.rows_accepted} dòng, đã có {self.rows_duplicate}, "
                f"bị từ chối {self.rows_rejected}."
            )
        else:
            subject = f"Không nhập được tệp “{self.file_name}”"
            body = "\n".join(error_text(e) for e in self.errors[:5])
        notify([self.uploaded_by], "imports", subject, body, link)

    def log_move(self, source, target, *, actor=None, note=""):
        history = self.history_class()
        if history is not None:
            history.log(self, target, from_status=source, actor=actor, note=note)

    @classmethod
    def claim(cls, pk, source: str, target: str, *, actor=None, note="", **fields) -> bool:
        """Move record `pk` from `source` to `target` with one filtered update, so that of
        two processes (two workers, a double click) exactly one gets it. True when taken."""
        cls.pipeline.check(source, target)
        if target in (S.DONE, S.FAILED, S.CANCELLED):
            fields.setdefault("finished_at", timezone.now())
        with transaction.atomic():
            taken = cls.objects.filter(pk=pk, status=source).update(status=target, **fields)
            if taken:
                history = cls.history_class()
                if history is not None:
                    history.log(cls(pk=pk), target, from_status=source, actor=actor, note=note)
                if target in (S.DONE, S.FAILED):
                    cls.objects.select_related("uploaded_by").get(pk=pk).notify_uploader()
        return bool(taken)

    def fail(self, errors: list[dict], *, actor=None, note="", fields=()) -> None:
        """End as failed with its reasons (row_error dicts), from wherever it was."""
        self.errors = errors[:MAX_ERRORS]
        self.rows_rejected = rows_with_errors(errors)
        self.move(S.FAILED, actor=actor, note=note, fields=["errors", "rows_rejected", *fields])

    @classmethod
    def mark_failed(cls, pk, reason: str) -> None:
        """What lib.tasks.import_task and lib.workers.sweep call when the task of an import
        raised or its process died: failed with the reason, unless it had got past the
        task's part (previewed, done, cancelled). Nothing of it was written: each importer
        writes its rows in one transaction."""
        for source in UNFINISHED:
            if cls.claim(pk, source, S.FAILED, errors=[row_error(0, "", "", reason)]):
                return

    # --- idempotency ---

    @classmethod
    def earlier_same_file(cls, file_checksum: str, *, exclude_pk=None, **target):
        """The earlier import of the very same file for the same target that is done or on
        its way (not failed, not dropped): the one to answer instead of importing again."""
        missing = set(cls.target_fields) - set(target)
        if missing:
            raise TypeError(f"{cls.__name__}.earlier_same_file needs {sorted(missing)}")
        found = cls.objects.filter(checksum=file_checksum, **target).exclude(
            status__in=[S.FAILED, S.CANCELLED]
        )
        if exclude_pk is not None:
            found = found.exclude(pk=exclude_pk)
        # a finished import answers before one still on its way
        done = found.filter(status=S.DONE).order_by("pk").first()
        return done or found.order_by("pk").first()

    def repeat_message(self) -> str:
        """What the user is told when this import answers an upload of the same file."""
        when = timezone.localtime(self.finished_at or self.uploaded_at)
        if self.status == S.DONE:
            return (
                f"Tệp này (cùng nội dung với “{self.file_name}”) đã được nhập lúc "
                f"{when:%H:%M %d/%m/%Y}: không nhập lại, không thêm dòng nào."
            )
        return (
            f"Tệp này (cùng nội dung với “{self.file_name}”) đã được tải lên lúc "
            f"{timezone.localtime(self.uploaded_at):%H:%M %d/%m/%Y} và đang ở tình trạng "
            f"“{self.status_label}”: dùng lại lần tải lên đó."
        )


def rejected_rows_workbook(
    errors: list[dict], header: list[str] | None = None, rows: dict[int, list] | None = None
) -> bytes:
    """The one rejected-rows workbook of every importer, written by lib.exports (every text
    a string cell: a value such as "=HYPERLINK(…)" is never a live formula). One line per
    error: Dòng, Cột, Giá trị, Lý do — then, given the file's `header` and its `rows` by row
    number, the row as it was in the file, so that it can be corrected and uploaded again.
    An error of the file as a whole (row 0) has no row number and no values."""
    header = list(header or [])
    rows = rows or {}
    width = len(header)

    def lines():
        for e in errors:
            values = list(rows.get(e["row"], []))[:width] if e["row"] else []
            yield [e["row"] or "", e["column"], e["value"], e["reason"], *values]

    return xlsx_bytes(
        [
            Sheet(
                "Dòng bị từ chối",
                ["Dòng", "Cột", "Giá trị", "Lý do", *header],
                lines(),
                widths={0: 8, 1: 20, 2: 24, 3: 70},
            )
        ]
    )
