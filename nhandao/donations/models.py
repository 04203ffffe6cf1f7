"""Donors, donations (transfer, cash, in kind), bank accounts, statements and their lines,
receipts and the organisations' signing keys.

Every donation posts one entry to the ledger (audit.LedgerEntry) of its fund account
(receiving organisation, campaign, earmark); a donation is corrected only by reversing it.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction

from nhandao.lib.errors import Refused
from nhandao.lib.imports import ImportRecord, ImportStatus
from nhandao.lib.models import StatusChange
from nhandao.lib.text import search_key


def _scope(qs, user, perm, via="organisation"):
    from nhandao.orgs import access

    return access.scope(qs, user, perm, via=via)


class DonationRefused(Refused):
    """A donation, or a receipt for it, that a rule forbids (message in Vietnamese). Raised by
    actions.py and receipts.py; views and the API show the message."""


class Bank(models.TextChoices):
    VCB = "VCB", "Vietcombank"
    AGRIBANK = "AGRIBANK", "Agribank"
    BIDV = "BIDV", "BIDV"
    VIETINBANK = "VIETINBANK", "VietinBank"
    MB = "MB", "MB Bank"
    TECHCOMBANK = "TECHCOMBANK", "Techcombank"
    KHOBAC = "KHOBAC", "Kho bạc Nhà nước"
    OTHER = "OTHER", "Ngân hàng khác"


# NAPAS bank identification numbers (BIN) used by VietQR.
BANK_BINS = {
    "VCB": "970436",
    "AGRIBANK": "970405",
    "BIDV": "970418",
    "VIETINBANK": "970415",
    "MB": "970422",
    "TECHCOMBANK": "970407",
}


class BankAccountQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        return _scope(self, user, perm)


class BankAccount(models.Model):
    bank = models.CharField("ngân hàng", max_length=12, choices=Bank.choices)
    number = models.CharField("số tài khoản", max_length=30)
    holder = models.CharField("chủ tài khoản", max_length=200)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="bank_accounts",
        verbose_name="tổ chức chủ tài khoản",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_accounts",
        verbose_name="chiến dịch (tài khoản riêng)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # the phrases every sender's line to this account carries (its holder's name, the banks'
    # routing text), learned from its lines at each import; the public search does not take
    # them as evidence of who sent a line (donations/boilerplate.py)
    search_boilerplate = models.JSONField(default=list, blank=True, editable=False)

    objects = BankAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "tài khoản ngân hàng"
        verbose_name_plural = "tài khoản ngân hàng"
        constraints = [
            models.UniqueConstraint(fields=["bank", "number"], name="unique_bank_account")
        ]
        ordering = ["bank", "number"]

    def __str__(self):
        return f"{self.get_bank_display()} {self.number}"

    @property
    def bin(self) -> str:
        return BANK_BINS.get(self.bank, "")


class DonorKind(models.TextChoices):
    INDIVIDUAL = "individual", "Cá nhân"
    ORGANISATION = "organisation", "Tổ chức, cơ quan"
    BUSINESS = "business", "Doanh nghiệp"
    ANONYMOUS = "anonymous", "Ẩn danh"


class DonorQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        return _scope(self, user, perm)

    def search(self, query: str):
        qs = self
        for term in search_key(query).split():
            qs = qs.filter(
                models.Q(name_key__contains=term) | models.Q(account_no=term) | models.Q(phone=term)
            )
        return qs


def identity_key(name: str, account_no: str = "", phone: str = "", code: str = "") -> str:
    """Same normalised name with the same account, phone or code = the same donor.
    Empty when there is nothing but a name (a name alone does not identify a person)."""
    ident = (account_no or "").strip() or (phone or "").strip() or (code or "").strip()
    key = search_key(name)
    if not ident or not key:
        return ""
    kind = "a" if account_no else ("p" if phone else "c")
    return f"{key}|{kind}:{ident}"[:255]


class Donor(models.Model):
    """A donor in one organisation's book (the organisation that received from them)."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="donors",
        verbose_name="tổ chức",
    )
    kind = models.CharField(
        "loại", max_length=12, choices=DonorKind.choices, default=DonorKind.INDIVIDUAL
    )
    name = models.CharField("tên", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    account_no = models.CharField("số tài khoản", max_length=30, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    code = models.CharField("mã số thuế / giấy tờ", max_length=30, blank=True)
    email = models.EmailField("email", blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    consent_publish = models.BooleanField("đồng ý công khai tên", default=False)
    identity_key = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = "nhà hảo tâm"
        verbose_name_plural = "nhà hảo tâm"
        ordering = ["name_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identity_key"],
                condition=~models.Q(identity_key=""),
                name="unique_donor_identity",
            )
        ]

    def __str__(self):
        return self.public_name if self.kind == DonorKind.ANONYMOUS else self.name

    @property
    def public_name(self) -> str:
        """What may be shown publicly: the name only with consent."""
        if self.kind == DonorKind.ANONYMOUS or not self.consent_publish:
            return "Nhà hảo tâm ẩn danh"
        return self.name


class Channel(models.TextChoices):
    TRANSFER = "transfer", "Chuyển khoản"
    CASH = "cash", "Tiền mặt"
    IN_KIND = "in_kind", "Hiện vật"
    OTHER = "other", "Khác"


class EarmarkKind(models.TextChoices):
    NONE = "", "Không chỉ định"
    LOCALITY = "unit", "Địa phương"
    HOUSEHOLD = "household", "Hộ gia đình (trong sổ đối tượng)"
    PERSON = "person", "Người (trong sổ đối tượng)"
    PURPOSE = "purpose", "Mục đích"
    INCIDENT = "incident", "Sự cố, thiên tai"
    # before structured earmarks (decision 0026): a name typed as text, kept as it was
    BENEFICIARY = "beneficiary", "Hộ gia đình hoặc người cụ thể (ghi tên)"


class EarmarkPurpose(models.Model):
    """The purposes a donor may earmark money for, kept as data (seeded by migration)."""

    name = models.CharField("mục đích", max_length=200, unique=True)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "mục đích chỉ định"
        verbose_name_plural = "mục đích chỉ định"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class DonationQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        return _scope(self, user, perm)

    def active(self):
        return self.filter(reversed_at__isnull=True)


class Donation(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name="tổ chức tiếp nhận",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name="chiến dịch",
        db_index=False,  # the (campaign, received_on) index serves campaign lookups
    )
    donor = models.ForeignKey(
        Donor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name="nhà hảo tâm",
    )
    donor_name = models.CharField("tên người ủng hộ (như ghi nhận)", max_length=200, blank=True)
    # donor_name folded (lib.text.search_key) so the list's search compares folded with
    # folded; NULL on rows a statement import writes (found by their donor and line instead)
    donor_name_key = models.CharField(max_length=200, null=True, blank=True, editable=False)
    channel = models.CharField("hình thức", max_length=10, choices=Channel.choices)
    received_on = models.DateField("ngày nhận", db_index=True)
    amount = models.BigIntegerField("số tiền / giá trị quy đổi (đồng)")
    goods_item = models.CharField("hiện vật", max_length=200, blank=True)
    goods_quantity = models.DecimalField(
        "số lượng", max_digits=14, decimal_places=2, null=True, blank=True
    )
    goods_unit = models.CharField("đơn vị tính", max_length=30, blank=True)
    earmark_kind = models.CharField(
        "chỉ định", max_length=12, choices=EarmarkKind.choices, blank=True, default=""
    )
    earmark_ref = models.CharField("đối tượng chỉ định", max_length=200, blank=True)
    # the structured earmark (one of them, by earmark_kind); earmark_ref keeps its label, and
    # the text of donations recorded before structured earmarks
    earmark_unit = models.ForeignKey(
        "orgs.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="địa phương chỉ định",
    )  # fmt: skip
    earmark_household = models.ForeignKey(
        "beneficiaries.Household", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="hộ được chỉ định",
    )  # fmt: skip
    earmark_person = models.ForeignKey(
        "beneficiaries.Person", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="người được chỉ định",
    )  # fmt: skip
    earmark_purpose = models.ForeignKey(
        EarmarkPurpose, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="mục đích chỉ định",
    )  # fmt: skip
    earmark_incident = models.ForeignKey(
        "relief.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="sự cố chỉ định",
    )  # fmt: skip
    statement_line = models.OneToOneField(
        "StatementLine", null=True, blank=True, on_delete=models.PROTECT, related_name="donation"
    )
    ledger_entry = models.OneToOneField(
        "audit.LedgerEntry", on_delete=models.PROTECT, related_name="donation"
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)
    reversed_at = models.DateTimeField("đã hủy lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never searched by; one index less on the largest table
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = "khoản ủng hộ"
        verbose_name_plural = "khoản ủng hộ"
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["campaign", "received_on"])]

    def __str__(self):
        amount = f"{self.amount:,}".replace(",", ".")
        return f"{self.get_channel_display()} {amount} đ ngày {self.received_on:%d/%m/%Y}"

    @property
    def display_donor(self) -> str:
        if self.donor_id:
            return str(self.donor)
        return self.donor_name or "Ẩn danh"


class DonationTotal(models.Model):
    """What an organisation received for a campaign through a channel: the active donations'
    sum and count, kept in the same transaction by the three paths that write donations
    (actions.record_donation, actions.reverse_donation, the statement import), so that a
    campaign's figures (relief.figures) never group millions of donation rows."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    amount = models.BigIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "channel"],
                condition=models.Q(campaign__isnull=False),
                name="unique_donation_total",
            ),
            models.UniqueConstraint(
                fields=["organisation", "channel"],
                condition=models.Q(campaign__isnull=True),
                name="unique_donation_total_no_campaign",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.campaign_id}/{self.channel}: {self.amount}"

    @classmethod
    def add(cls, organisation_id, campaign_id, channel, amount: int, count: int) -> None:
        """Add to the row (made on first use; a concurrent maker wins, then we add)."""
        key = {"organisation_id": organisation_id, "campaign_id": campaign_id, "channel": channel}
        row = cls.objects.filter(**key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = cls.objects.create(**key)
            except IntegrityError:
                row = cls.objects.get(**key)
        cls.objects.filter(pk=row.pk).update(
            amount=models.F("amount") + amount, count=models.F("count") + count
        )


StatementStatus = ImportStatus  # statements follow the one import pipeline (lib.imports)


class StatementQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        return _scope(self, user, perm, via="bank_account__organisation")


class Statement(ImportRecord):
    """One uploaded statement file: an import record (lib.imports) with the figures of a
    bank statement. rows_read: the file's lines; rows_accepted: lines added to the book;
    rows_duplicate: lines already in it; rows_rejected: lines refused (then none is added).
    Uploaded → previewed (the officer looks at the preview and confirms) → queued (waiting
    for the worker) → committing → done or failed (the file's fault or the system's: the
    reason is in `errors`)."""

    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="statements", verbose_name="tài khoản"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chiến dịch mặc định",
    )
    layout = models.CharField("mẫu sao kê", max_length=40, blank=True)
    mapping = models.JSONField("ánh xạ cột", null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_note = models.CharField(max_length=120, blank=True)
    credit_lines = models.PositiveIntegerField(default=0)
    debit_lines = models.PositiveIntegerField(default=0)
    credits_total = models.BigIntegerField(default=0)
    debits_total = models.BigIntegerField(default=0)
    opening_balance = models.BigIntegerField(null=True, blank=True)
    closing_balance = models.BigIntegerField(null=True, blank=True)
    # the first and last day of the file's lines: continuity with the account's other
    # statements (donations/matching.py) looks for days that no statement covers
    first_day = models.DateField("từ ngày", null=True, blank=True)
    last_day = models.DateField("đến ngày", null=True, blank=True)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    balance_breaks = models.JSONField(default=list, blank=True)

    objects = StatementQuerySet.as_manager()

    target_fields = ("bank_account",)
    detail_url_name = "statement_detail"
    row_key = (
        "tài khoản, ngày, số tham chiếu, chiều, số tiền (không có số tham chiếu: nội dung), "
        "thứ tự trong ngày"
    )
    history_model = "donations.StatementStatusChange"
    upload_dir = "statements"
    user_moves = (ImportStatus.QUEUED,)

    class Meta:
        verbose_name = "sao kê"
        verbose_name_plural = "sao kê"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.bank_account})"

    @property
    def organisation(self):
        return self.bank_account.organisation

    def summary(self) -> dict:
        """The figures printed by `nhandao import_statement` and the API (their names are
        the command's since its first version)."""
        return {
            "lines": self.rows_read,
            "credit_lines": self.credit_lines,
            "credits_total": self.credits_total,
            "debits_total": self.debits_total,
            "added": self.rows_accepted,
            "already_present": self.rows_duplicate,
            "rejected": self.rows_rejected,
        } | ({"to_review": self.to_review} if self.to_review else {})

    @property
    def to_review(self) -> int:
        """Lines set aside for review (ReviewLine), not yet corrected."""
        if self.pk is None:
            return 0
        return self.reviews.filter(status="open").count()

    def repeat_summary(self) -> dict:
        """What uploading this very file again does: nothing added, every line present."""
        lines = self.rows_accepted + self.rows_duplicate
        return self.summary() | {
            "added": 0,
            "already_present": lines,
            "rejected": 0,
            "same_file_as": self.pk,
        }


class StatementStatusChange(StatusChange):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=ImportStatus.choices)

    subject_field = "statement"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng sao kê"
        verbose_name_plural = "lịch sử tình trạng sao kê"


class Direction(models.TextChoices):
    CREDIT = "C", "Ghi có (tiền vào)"
    DEBIT = "D", "Ghi nợ (tiền ra)"


class StatementLine(models.Model):
    """One bank line, stored once per account whatever file brought it (natural key)."""

    # no index of its own: the unique (bank_account, line_key) index serves it
    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="line_set")
    # the line's natural key; not named `natural_key`, which is the method Django's
    # serialisers call (dumpdata --natural-foreign crashed on it)
    line_key = models.CharField(max_length=40)
    row_no = models.PositiveIntegerField("dòng")
    booked_on = models.DateField("ngày")
    booked_time = models.CharField("giờ", max_length=8, blank=True)
    reference = models.CharField("số tham chiếu", max_length=60, blank=True)
    direction = models.CharField(max_length=1, choices=Direction.choices)
    amount = models.BigIntegerField("số tiền")
    balance = models.BigIntegerField("số dư", null=True, blank=True)
    description = models.TextField("nội dung")
    description_key = models.TextField(editable=False)
    donor_name = models.CharField("tên người chuyển (tách từ nội dung)", max_length=200, blank=True)
    # donor_name folded (lib.text.search_key): the public search looks the typed name up here
    # first (portal/search.py; indexed by portal's migrations)
    donor_key = models.CharField(max_length=200, blank=True, default="", editable=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # portal's (campaign_id, booked_on, id) index serves it
    )
    # where the line is printed in its statement's PDF (importers/pdf.py): the page (1-based)
    # and the row's distance from the page's top, in points; empty for CSV/XLSX lines
    page = models.PositiveIntegerField("trang", null=True, blank=True)
    position = models.FloatField("vị trí trên trang", null=True, blank=True)

    class Meta:
        verbose_name = "dòng sao kê"
        verbose_name_plural = "dòng sao kê"
        ordering = ["booked_on", "row_no"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "line_key"], name="unique_line_key")
        ]

    def __str__(self):
        return f"{self.booked_on:%d/%m/%Y} {self.direction} {self.amount}"


class MatchMethod(models.TextChoices):
    AUTO = "auto", "Tự động"
    MANUAL = "manual", "Thủ công (có lý do)"


class DebitMatch(models.Model):
    """What a debit line of a statement paid: the ledger entry (an allocation's transfer out,
    a spending) it is matched to, automatically (amount, date window, reference,
    counterparty account: donations/matching.py) or by hand with a reason — by hand also
    without an entry (a bank fee), the reason saying what it was."""

    line = models.OneToOneField(StatementLine, on_delete=models.PROTECT, related_name="debit_match")
    entry = models.OneToOneField(
        "audit.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="debit_match",
        verbose_name="bút toán",
    )
    method = models.CharField("cách khớp", max_length=6, choices=MatchMethod.choices)
    criteria = models.JSONField("tiêu chí khớp", default=list, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đối chiếu dòng chi"
        verbose_name_plural = "đối chiếu dòng chi"

    def __str__(self):
        return f"{self.line} → {self.entry_id or self.reason}"

    @property
    def organisation(self):
        return self.line.bank_account.organisation


class Receipt(models.Model):
    """A biên nhận: numbered per organisation and year without gaps, signed (Ed25519)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="receipts"
    )
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    donation = models.OneToOneField(Donation, on_delete=models.PROTECT, related_name="receipt")
    code = models.CharField(max_length=40, unique=True)
    payload = models.TextField()
    signature = models.CharField(max_length=120)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "biên nhận"
        verbose_name_plural = "biên nhận"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"], name="unique_receipt_number"
            )
        ]
        ordering = ["-year", "-number"]

    def __str__(self):
        return f"Biên nhận số {self.number:05d}/{self.year}"


class ReceiptCounter(models.Model):
    """The last receipt number given per organisation and year (locked when incremented)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="unique_receipt_counter")
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last}"


class SigningKey(models.Model):
    """An organisation's Ed25519 key: the private half wrapped by the key-encryption key
    (lib/kek.py), the public half published. Rotation retires a key (`retired_at`) and
    creates the next one; a retired key signs nothing more but stays published, so the
    receipts and ledgers it signed still verify."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="signing_keys"
    )
    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64)
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "khóa ký"
        verbose_name_plural = "khóa ký"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(retired_at__isnull=True),
                name="one_active_signing_key_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.key_id} ({self.organisation_id})"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Chờ xem lại"
    CORRECTED = "corrected", "Đã sửa"


class ReviewLine(models.Model):
    """A line of an imported statement that could not be posted as it was read — its amount
    missing or zero (an outgoing line whose debit the source lost), or, in a PDF, its date or
    amount unreadable — kept aside, with its page, while the file's other lines import
    (issues #23, #24). An officer's correction is audited (statement.review_correct) and
    re-applied whenever the same file (its checksum) is imported into the account again."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="reviews")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="+")
    checksum = models.CharField(max_length=64)  # the file's, to re-apply a correction
    row_no = models.PositiveIntegerField("dòng")
    page = models.PositiveIntegerField("trang", null=True, blank=True)
    position = models.FloatField(null=True, blank=True)
    values = models.JSONField("giá trị đọc được", default=dict)
    reason = models.CharField("lý do", max_length=300)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default="open")
    corrected_on = models.DateField("ngày (đã sửa)", null=True, blank=True)
    corrected_amount = models.BigIntegerField("số tiền (đã sửa)", null=True, blank=True)
    corrected_direction = models.CharField(max_length=1, choices=Direction.choices, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "dòng sao kê cần xem lại"
        verbose_name_plural = "dòng sao kê cần xem lại"
        ordering = ["statement", "row_no"]
        indexes = [models.Index(fields=["bank_account", "checksum"], name="review_by_file")]

    def __str__(self):
        return f"{self.statement_id}:{self.row_no} {self.reason}"
