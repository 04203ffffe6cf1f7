"""An audit event's changes in words: "Trạng thái: Nháp → Đang mở", "Đợt cấp phát: — → Trao
tiền hỗ trợ Ba Đình (15/09/2024)", never a field name or a code.

Words come from the audited model itself (audit is the foundation and imports no app; the
model is found by its label): a status field through the model's status pipeline
(`Model.pipeline`, lib.pipeline: change_text), any other field through its verbose name, its
choices, the record a foreign key points at, dates dd/mm/yyyy and amounts in đồng. What an
action records that is not a field of the model (a note, a count, a reason) is named in
EXTRA_LABELS. Values hidden from the reader (AuditEvent.changes_for) stay hidden.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import models

from nhandao.audit.models import ERASED, HIDDEN
from nhandao.lib.dates import format_date, format_datetime
from nhandao.lib.money import format_vnd

NONE = "—"

# Keys that actions record beside the model's fields (or instead of them).
EXTRA_LABELS = {
    "note": "Ghi chú",
    # foreign keys of the newer apps whose fields carry no verbose name
    "individual": "Cá nhân",
    "donor": "Người hiến máu",
    "drive": "Đợt hiến máu",
    "receipt": "Biên lai",
    "started_via": "Hình thức vào hội",
    "reason": "Lý do",
    "co_organisers": "Đồng tổ chức",
    "decided_by": "Cơ quan quyết định",
    "decision_ref": "Số quyết định",
    "created": "Số bản ghi đã tạo",
    "rows": "Số dòng",
    "lines": "Số dòng",
    "count": "Số lượng",
    "filename": "Tệp",
    "file_name": "Tệp",
    "checksum": "Mã kiểm tra tệp",
    "username": "Tên đăng nhập",
    "role": "Vai trò",
    "user": "Người dùng",
    "fields": "Các trường đã xem",
    "channel": "Kênh đọc",
    "purpose": "Mục đích",
    "erased": "Đã xoá dữ liệu (ẩn danh hoá)",
    "restricted": "Hạn chế xử lý",
    "collected": "Hội phí đã thu (đồng)",
    "expected": "Hội phí phải thu (đồng)",
    "owing": "Số hội viên còn nợ",
    "merged": "Hồ sơ đã gộp",
    "kept": "Hồ sơ giữ lại",
    "members": "Thành viên",
    "member": "Thành viên",
    "participant_count": "Số người tham gia",
    "sources": "Tổ chức hợp nhất",
    "successor": "Tổ chức kế thừa",
    "new_parent": "Cấp trên mới",
    "old_parent": "Cấp trên cũ",
    "on": "Ngày hiệu lực",
    "second_approval_above": "Ngưỡng cần người duyệt thứ hai",
    "round": "Đợt cấp phát",
    "override_reason": "Lý do vẫn cấp khi trùng",
    "credits_total": "Tổng tiền vào",
    "credits": "Số khoản tiền vào",
    "debits": "Số khoản tiền ra",
    "skipped": "Số dòng bỏ qua",
    "imported": "Số dòng đã nhập",
    "amount": "Số tiền",
    "area": "Vùng bị ảnh hưởng",
    "units": "Đơn vị hành chính",
    "communes": "Xã/phường",
    "total": "Tổng",
    "value": "Trị giá",
    "overlaps": "Hỗ trợ trước bị trùng",
    "status": "Trạng thái",
    "organisation": "Tổ chức",
    "name": "Tên",
    "code": "Mã",
    "kind": "Loại",
    "level": "Cấp",
    "parent": "Cấp trên",
    "full_name": "Họ và tên",
    "phone": "Số điện thoại",
    "address": "Địa chỉ",
    "commune": "Xã/phường",
    "village": "Thôn, tổ",
    "campaign": "Chiến dịch",
    "date": "Ngày",
    "received_on": "Ngày nhận",
    "description": "Nội dung",
    "household": "Hộ gia đình",
    "person": "Đối tượng",
    "moved": "Bản ghi đã chuyển sang hồ sơ giữ lại",
    "sponsor": "Nhà đỡ đầu",
    "monthly_amount": "Số tiền mỗi tháng",
    "every": "Kỳ trả (tháng)",
    "start": "Từ ngày",
    "end": "Đến ngày",
    "period": "Kỳ",
    "months": "Số tháng",
    "donation": "Khoản ủng hộ",
    "number": "Số biên nhận",
    "year": "Năm",
    "item": "Mặt hàng",
    "to": "Đến kho",
    "houses_damaged": "Số nhà bị hư hại",
    "houses_destroyed": "Số nhà bị sập, cuốn trôi",
    "needs_amount": "Nhu cầu hỗ trợ",
    "needs_note": "Nhu cầu",
    "added": "Số khoản đã thêm",
    "already_present": "Số khoản đã có từ trước",
    "credit_lines": "Số dòng tiền vào",
    "debits_total": "Tổng tiền ra",
    "rejected": "Số dòng bị từ chối",
    "source": "Cách thêm",
    "method": "Hình thức xác nhận",
}
# Values of non-field keys, in words.
VALUE_WORDS = {
    ("source", "manual"): "nhập tay",
    ("source", "filter"): "lọc từ sổ đối tượng",
    ("source", "import"): "nhập từ tệp",
}
# Keys that are not fields but hold the id of a record of this model: shown by its name.
RECORD_OF = {
    "household": "beneficiaries.household",
    "person": "beneficiaries.person",
    "merged": "beneficiaries.person",
    "kept": "beneficiaries.person",
    "sponsor": "beneficiaries.sponsor",
    "donation": "donations.donation",
    "round": "relief.distributionround",
    "decided_by": "orgs.organisation",
    "successor": "orgs.organisation",
    "new_parent": "orgs.organisation",
    "old_parent": "orgs.organisation",
    "organisation": "orgs.organisation",
    "sources": "orgs.organisation",
    "co_organisers": "orgs.organisation",
    "campaign": "campaigns.campaign",
    "item": "relief.item",
    "to": "relief.warehouse",
    "commune": "orgs.adminunit",
    "member": "blood.donor",
}
# The same key naming another kind of record on some subjects.
RECORD_OF_BY_TYPE = {("orgs.organisation", "merged"): "orgs.organisation"}
LABELS_BY_TYPE = {("orgs.organisation", "merged"): "Tổ chức hợp nhất vào đây"}
# Hashes and other machine values: only under "Chi tiết kỹ thuật", never as a change line.
TECHNICAL_KEYS = {"checksum", "natural_key", "content_hash", "payload", "signature_hex"}
# Actions that record another model's fields on their record (a household's poverty row).
ACTION_MODELS = {
    "beneficiaries.poverty_set": "beneficiaries.householdpoverty",
    # recorded on the address, told in the payment's words (period, amount, reason)
    "beneficiaries.sponsorship_paid": "beneficiaries.sponsorshippayment",
    "beneficiaries.sponsorship_reversed": "beneficiaries.sponsorshippayment",
}
# Keys recorded under another name than the model field whose words they take.
ALIASES = {"method": "receipt_method"}

# Labels of keys that are model fields but read better in the log than their verbose name.
STATUS_WORD = "Trạng thái"


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except Exception:  # FieldDoesNotExist, or a reverse relation without a verbose name
        return None


def _capitalised(text: str) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def field_label(model, key: str) -> str:
    """The words for one recorded key: the status, a model field's verbose name, or
    EXTRA_LABELS; never the key itself."""
    if model is not None and (model._meta.label_lower, key) in LABELS_BY_TYPE:
        return LABELS_BY_TYPE[(model._meta.label_lower, key)]
    key = ALIASES.get(key, key) if _field(model, key) is None else key
    pipeline = getattr(model, "pipeline", None)
    if pipeline is not None and key == pipeline.field:
        return STATUS_WORD
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        verbose = str(field.verbose_name).replace(" (đồng)", "")  # the value says ₫
        if verbose.replace(" ", "_") != key:  # Django's default is the name itself
            return _capitalised(verbose)
    if key in EXTRA_LABELS:
        return EXTRA_LABELS[key]
    if key.endswith("_id") and _field(model, key[:-3]) is not None:
        return field_label(model, key[:-3])
    return "Thông tin khác"


class _Records:
    """The records foreign keys point at, fetched once per model for a page of events."""

    def __init__(self):
        self.cache: dict[tuple, str] = {}

    def name(self, model, pk) -> str:
        key = (model._meta.label_lower, pk)
        if key not in self.cache:
            obj = model._default_manager.filter(pk=pk).first()
            self.cache[key] = str(obj) if obj is not None else f"(bản ghi số {pk} đã xóa)"
        return self.cache[key]


def _is_money(field) -> bool:
    verbose = str(getattr(field, "verbose_name", ""))
    return isinstance(field, (models.BigIntegerField, models.IntegerField)) and (
        "đồng" in verbose or "tiền" in verbose or field.name in ("amount", "value")
    )


def _decimal_text(value) -> str:
    """ "50.00" → "50", "2.50" → "2,5": a quantity the Vietnamese way."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"
    whole, _, fraction = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".") if whole.lstrip("-").isdigit() else whole
    fraction = fraction.rstrip("0")
    return f"{whole},{fraction}" if fraction else whole


def value_text(model, key: str, value, records: _Records, object_type: str = "") -> str:
    if value is None or value == "":
        return NONE
    if value == HIDDEN:
        return HIDDEN
    field = _field(model, key) or _field(model, ALIASES.get(key, ""))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    related = getattr(field, "related_model", None) if field is not None else None
    record_of = RECORD_OF_BY_TYPE.get((object_type, key)) or RECORD_OF.get(key)
    if field is None and record_of:
        related = _model(record_of)
        if related is not None and isinstance(value, int):
            return records.name(related, value)
    if isinstance(value, list):
        if related is not None:
            return ", ".join(records.name(related, v) for v in value) or NONE
        if all(isinstance(v, int) for v in value):  # ids of records of another kind
            return f"{len(value)} bản ghi" if value else NONE
        return ", ".join(str(v) for v in value) or NONE
    if field is not None:
        if field.choices and isinstance(value, (str, int)):
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation and field.related_model is not None:
            return records.name(field.related_model, value)
        if isinstance(field, models.DateTimeField):
            try:
                return format_datetime(datetime.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        if isinstance(field, models.DateField):
            try:
                return format_date(date.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        if _is_money(field) and isinstance(value, int):
            return format_vnd(value)
    money_keys = (
        "amount",
        "second_approval_above",
        "credits_total",
        "debits_total",
        "monthly_amount",
        "needs_amount",
        "value",
    )
    if key in money_keys and isinstance(value, int):
        return format_vnd(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, str) and (key, value) in VALUE_WORDS:
        return VALUE_WORDS[(key, value)]
    if isinstance(value, int) and ("year" in key or key in ("number", "year")):
        return str(value)  # a year or a serial number, not a quantity
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(field, models.DecimalField) or key == "quantity":
        return _decimal_text(value)
    if isinstance(value, dict):  # counts by kind of record: the total
        counts = [v for v in value.values() if isinstance(v, int)]
        return f"{sum(counts)} bản ghi" if len(counts) == len(value) else "(chi tiết kỹ thuật)"
    return str(value)


def change_lines(event, changes, records: _Records | None = None) -> list[str]:
    """The event's changes (as AuditEvent.changes_for gives them) as lines of words."""
    records = records or _Records()
    model = _model(ACTION_MODELS.get(event.action, event.object_type))
    pipeline = getattr(model, "pipeline", None)
    lines = []
    for key, before, after in changes:
        if key in TECHNICAL_KEYS:
            continue
        label = field_label(model, key)
        if HIDDEN in (before, after):  # the reader may not see personal data
            lines.append(f"{label}: {HIDDEN}")
            continue
        if ERASED in (before, after):  # the person's data was erased on their request
            lines.append(f"{label}: {ERASED}")
            continue
        if pipeline is not None and key == pipeline.field:
            text = pipeline.change_text(before or "", after or "")
        else:
            before_text = value_text(model, key, before, records, event.object_type)
            after_text = value_text(model, key, after, records, event.object_type)
            if before_text == after_text:  # None → "": nothing a reader would call a change
                continue
            text = f"{before_text} → {after_text}"
        lines.append(f"{label}: {text}")
    return lines


def rows_in_words(events, user) -> list[tuple]:
    """(event, its changes in words) for a page of events, as `user` may read them."""
    records = _Records()
    return [(event, change_lines(event, event.changes_for(user), records)) for event in events]
