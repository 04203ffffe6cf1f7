"""One person, several roles: the record shared by members, volunteers, youth Red Cross
members, blood donors and staff (issues #19 and #20). It is NOT the beneficiary registry
(beneficiaries.Person: people who receive help, with their own consent and rules); someone
may be in both, as two records.

An individual belongs to the organisation that keeps their record (reach: its subtree).
Their roles live in the apps that own them (blood.Donor, people.Membership, …), each a row
pointing here, so "who is this person" is answered once and "what do they do" per app.
Consent is the individual's own: to be contacted (reminders, calls) and to be named
publicly (honour pages); withdrawing either is recorded with its date.
"""

from django.conf import settings
from django.db import models

from nhandao.lib.imports import ImportRecord
from nhandao.lib.models import StatusChange
from nhandao.lib.names import split_name
from nhandao.lib.text import nfc, search_key
from nhandao.orgs.models import AdminUnit, DataRequestBase, Organisation, ScopedQuerySet


class Sex(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class IndividualStatus(models.TextChoices):
    ACTIVE = "active", "Đang dùng"
    MERGED = "merged", "Đã gộp vào hồ sơ khác"


class IndividualQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def active(self):
        return self.filter(status=IndividualStatus.ACTIVE)

    def search(self, text: str):
        """Accent- and case-insensitive: every word of `text` in the folded name."""
        qs = self
        for word in search_key(text).split():
            qs = qs.filter(name_key__contains=word)
        return qs


class Individual(models.Model):
    # empty (NULL) only between the insert and the update that numbers the record
    code = models.CharField("mã", max_length=20, unique=True, null=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="individuals",
        verbose_name="tổ chức quản lý hồ sơ",
    )
    full_name = models.CharField("họ và tên", max_length=150)
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    family_name = models.CharField(max_length=40, blank=True, editable=False)
    given_name = models.CharField(max_length=40, blank=True, editable=False)
    sex = models.CharField("giới tính", max_length=6, choices=Sex.choices, blank=True)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    phone = models.CharField("điện thoại", max_length=11, blank=True, db_index=True)
    email = models.EmailField("thư điện tử", blank=True)
    id_number = models.CharField("số CCCD", max_length=12, blank=True, db_index=True)
    commune = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="xã/phường (bản đồ mới)",
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    consent_contact = models.BooleanField(
        "đồng ý được liên hệ (nhắc lịch, gọi điện)", default=False
    )
    consent_contact_at = models.DateTimeField(null=True, blank=True, editable=False)
    consent_publish = models.BooleanField("đồng ý được nêu tên công khai", default=False)
    consent_publish_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=8, choices=IndividualStatus.choices, default=IndividualStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # a data-subject request (people/privacy.py): erasure pseudonymises in place; restriction
    # withdraws both consents and stops any processing beyond keeping the record
    erased_at = models.DateTimeField("đã xoá dữ liệu lúc", null=True, blank=True, editable=False)
    restricted_at = models.DateTimeField("hạn chế xử lý từ", null=True, blank=True, editable=False)

    objects = IndividualQuerySet.as_manager()

    # read only with the "sensitive" permission (each read logged)
    SENSITIVE = ("id_number", "phone", "email", "birth_date", "address")

    class Meta:
        verbose_name = "cá nhân"
        verbose_name_plural = "cá nhân"
        ordering = ["name_key", "pk"]
        indexes = [models.Index(fields=["given_name", "birth_date"])]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name)
        self.name_key = search_key(self.full_name)
        parts = split_name(self.full_name)
        self.family_name, self.given_name = parts.family[:40], parts.given[:40]
        super().save(*args, **kwargs)
        if not self.code:
            # the code is the record's number: stable, printable on a card, never reused
            self.code = f"CN{self.pk:07d}"
            super().save(update_fields=["code"])

    def age_on(self, day) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# ---- member and volunteer lists imported through the frame (issue #20, item 8) ----------


class ListKind(models.TextChoices):
    MEMBERS = "members", "Danh sách hội viên"
    VOLUNTEERS = "volunteers", "Danh sách tình nguyện viên"


class MemberImport(ImportRecord):
    """A member or volunteer list (people/importers.py): each row finds or creates the
    person and opens a membership (or registers a volunteer) in the import's organisation
    or a unit of it named on the row."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="member_imports",
        verbose_name="đơn vị nhập",
    )  # fmt: skip
    kind = models.CharField("loại danh sách", max_length=10, choices=ListKind.choices)
    warnings = models.JSONField("có thể trùng", default=list, blank=True)  # [row_error(…)]
    likely_duplicates = models.PositiveIntegerField("dòng có thể trùng người có sẵn", default=0)
    people_created = models.PositiveIntegerField("hồ sơ cá nhân mới", default=0)
    # the rows as the preview read and checked them (people/importers.py `keep_rows`), so the
    # commit checks again only what the records can have changed, never the file; emptied
    # once the list is done or failed
    checked_rows = models.JSONField("các dòng đã kiểm tra", default=list, blank=True)

    target_fields = ("organisation", "kind")
    row_key = "họ tên và số CCCD, hoặc họ tên, ngày sinh và số điện thoại"
    history_model = "people.MemberImportStatusChange"
    upload_dir = "people"
    detail_url_name = "member_import"

    class Meta:
        verbose_name = "tệp nhập danh sách hội viên, tình nguyện viên"
        verbose_name_plural = "tệp nhập danh sách hội viên, tình nguyện viên"
        ordering = ["-uploaded_at", "-pk"]


class MemberImportStatusChange(StatusChange):
    record = models.ForeignKey(MemberImport, on_delete=models.CASCADE, related_name="history")

    subject_field = "record"


# ---- membership: a dated history (issue #20) ----------------------------------------------


class MembershipKind(models.TextChoices):
    MEMBER = "member", "Hội viên"
    HONORARY = "honorary", "Hội viên danh dự"
    YOUTH = "youth", "Hội viên thanh thiếu niên"


class StartVia(models.TextChoices):
    JOIN = "join", "Kết nạp"
    TRANSFER = "transfer", "Chuyển sinh hoạt đến"
    MERGER = "merger", "Hợp nhất tổ chức (2025)"
    RESUME = "resume", "Sinh hoạt lại"


class EndReason(models.TextChoices):
    TRANSFER = "transfer", "Chuyển sinh hoạt đi"
    MERGER = "merger", "Tổ chức hợp nhất vào tổ chức khác"
    SUSPENDED = "suspended", "Tạm ngừng sinh hoạt"
    LEFT = "left", "Thôi tham gia"
    DIED = "died", "Từ trần"
    REMOVED = "removed", "Xóa tên"


YOUTH_AGES = (16, 30)
VOLUNTEER_MIN_AGE = 18


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def on(self, day):
        """Memberships running on `day` (started on or before it, not ended before it)."""
        return self.filter(started_on__lte=day).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=day)
        )

    def within(self, org):
        """Memberships in `org` or its subtree (merged predecessors sit under their successor,
        so the successor's history includes theirs)."""
        return self.filter(organisation__path__startswith=org.path)


class YouthGroupKind(models.TextChoices):
    SCHOOL = "school", "Trường phổ thông"
    UNIVERSITY = "university", "Trường đại học, cao đẳng"
    VOCATIONAL = "vocational", "Trường nghề"


class YouthGroupQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)


class YouthGroup(models.Model):
    """A Youth Red Cross group in a school or university, belonging to an organisation (the
    commune or the province chapter); its members are youth memberships linked to it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="thuộc tổ chức"
    )
    name = models.CharField("tên nhóm", max_length=150)
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    school = models.CharField("trường", max_length=200)
    kind = models.CharField("loại trường", max_length=10, choices=YouthGroupKind.choices)
    founded_on = models.DateField("ngày thành lập")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = YouthGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "nhóm Thanh thiếu niên Chữ thập đỏ"
        verbose_name_plural = "nhóm Thanh thiếu niên Chữ thập đỏ"
        ordering = ["name_key", "pk"]

    def __str__(self):
        return f"{self.name} ({self.school})"

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """One stretch of membership in one organisation: a person's history is their rows in
    order. A transfer ends one row the day before the new one starts; so does the merger."""

    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="memberships", verbose_name="cá nhân"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships",
        verbose_name="chi hội / tổ chức",
    )  # fmt: skip
    kind = models.CharField("loại hội viên", max_length=10, choices=MembershipKind.choices)
    started_on = models.DateField("ngày bắt đầu")
    started_via = models.CharField(max_length=10, choices=StartVia.choices)
    ended_on = models.DateField("ngày kết thúc", null=True, blank=True)
    end_reason = models.CharField(
        "lý do kết thúc", max_length=10, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField("ghi chú", max_length=255, blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    youth_group = models.ForeignKey(
        YouthGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships",
        verbose_name="nhóm thanh thiếu niên",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "quá trình sinh hoạt hội"
        verbose_name_plural = "quá trình sinh hoạt hội"
        ordering = ["individual_id", "started_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "started_on"]),
            # a month's starts and ends over the whole country (membership.count_on)
            models.Index(fields=["started_on"], name="people_membership_start"),
            models.Index(fields=["ended_on"], name="people_membership_end"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["individual"],
                condition=models.Q(ended_on__isnull=True),
                name="people_one_open_membership",
            )
        ]

    def __str__(self):
        return f"{self.individual} — {self.organisation} ({self.get_kind_display()})"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class MembershipCount(models.Model):
    """The summary behind "members on a date": per organisation and month, members who
    started that month (+) minus those whose last day was the day before one of its days (−).
    The members of a subtree on D are the deltas of the months before D's month plus that
    month's own starts and ends up to D (membership.count_on); kept by the actions."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()  # the first day of the month
    delta = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="people_count_org_day")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.organisation_id} {self.day}: {self.delta:+d}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Chờ hai bên đồng ý"
    DONE = "done", "Đã chuyển"
    REJECTED = "rejected", "Bị từ chối"


class MembershipTransfer(models.Model):
    """A request to move a member to another organisation: both sides agree (each with
    "edit" at its own organisation), then the move is made on `effective_on`."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="chuyển đi từ"
    )
    to_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="chuyển đến"
    )
    effective_on = models.DateField("ngày chuyển")
    reason = models.CharField("lý do", max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    from_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_approved_at = models.DateTimeField(null=True, blank=True)
    to_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_approved_at = models.DateTimeField(null=True, blank=True)
    rejected_note = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "yêu cầu chuyển sinh hoạt"
        verbose_name_plural = "yêu cầu chuyển sinh hoạt"
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.membership.individual}: {self.from_org} → {self.to_org}"


# ---- fees (hội phí) -------------------------------------------------------------------


class FeeSchedule(models.Model):
    """One year's fee rules, as data: the monthly amount, the cap on exemptions (per cent of
    an organisation's members) and the share each level keeps (per cent, summing to 100;
    the level a member's organisation sits at keeps its own share and those of the levels
    below it that it has no chapter for)."""

    year = models.PositiveSmallIntegerField("năm", unique=True)
    amount_per_month = models.PositiveIntegerField("mức hội phí mỗi tháng (đồng)")
    exemption_cap_percent = models.PositiveSmallIntegerField("miễn tối đa (% hội viên)")
    shares = models.JSONField("tỷ lệ để lại mỗi cấp (%)")

    class Meta:
        verbose_name = "mức hội phí năm"
        verbose_name_plural = "mức hội phí năm"
        ordering = ["-year"]

    def __str__(self):
        return f"Hội phí năm {self.year}"


class FeeExemption(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="exemptions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="people_one_exemption")
        ]

    def __str__(self):
        return f"Miễn hội phí {self.year}: {self.membership.individual}"


class FeeReceiptCounter(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="people_receipt_counter")
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last}"


class FeePaymentStatus(models.TextChoices):
    VALID = "valid", "Hợp lệ"
    ANNULLED = "annulled", "Đã hủy"


class FeePayment(models.Model):
    """A fee payment with its receipt (numbered per organisation and year). Annulled, never
    deleted: annulling reverses its ledger entries and frees its months."""

    receipt_number = models.CharField("số biên lai", max_length=30, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fee_payments",
        verbose_name="đơn vị thu",
    )  # fmt: skip
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="payments")
    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    months = models.JSONField("các tháng")
    amount = models.PositiveIntegerField("số tiền (đồng)")
    paid_on = models.DateField("ngày nộp")
    status = models.CharField(
        max_length=10, choices=FeePaymentStatus.choices, default=FeePaymentStatus.VALID
    )
    annul_reason = models.CharField(max_length=255, blank=True)
    annulled_at = models.DateTimeField(null=True, blank=True)
    ledger_entries = models.JSONField(default=list, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "biên lai hội phí"
        verbose_name_plural = "biên lai hội phí"
        ordering = ["-paid_on", "-pk"]

    def __str__(self):
        return self.receipt_number


class FeeMonth(models.Model):
    """One paid month of one member: the database refuses a second valid payment of it."""

    payment = models.ForeignKey(FeePayment, on_delete=models.PROTECT, related_name="paid_months")
    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    valid = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["individual", "year", "month"],
                condition=models.Q(valid=True),
                name="people_month_paid_once",
            )
        ]
        indexes = [models.Index(fields=["organisation", "year"])]

    def __str__(self):
        return f"{self.individual_id} {self.month:02d}/{self.year}"


# ---- volunteers: teams, shifts, hours from attendance ---------------------------------------


class TeamKind(models.TextChoices):
    FIRST_AID = "first_aid", "Sơ cấp cứu"
    DISASTER = "disaster", "Ứng phó thảm họa"
    BLOOD = "blood", "Vận động hiến máu"
    SOCIAL = "social", "Công tác xã hội"
    YOUTH = "youth", "Nhóm thanh thiếu niên"


class Skill(models.TextChoices):
    FIRST_AID = "first_aid", "Sơ cấp cứu"
    WATER_RESCUE = "water_rescue", "Bơi, cứu hộ dưới nước"
    DRIVING = "driving", "Lái xe"
    LOGISTICS = "logistics", "Kho vận, hậu cần"
    COOKING = "cooking", "Nấu ăn tập thể"
    PSYCHOSOCIAL = "psychosocial", "Hỗ trợ tâm lý"
    MEDICAL = "medical", "Chuyên môn y tế"
    BUILDING = "building", "Xây dựng, sửa chữa nhà"
    IT = "it", "Tin học"
    MEDIA = "media", "Truyền thông, chụp ảnh"


class Language(models.TextChoices):
    ENGLISH = "en", "Tiếng Anh"
    FRENCH = "fr", "Tiếng Pháp"
    CHINESE = "zh", "Tiếng Trung"
    KOREAN = "ko", "Tiếng Hàn"
    JAPANESE = "ja", "Tiếng Nhật"
    KHMER = "km", "Tiếng Khmer"
    TAY = "tay", "Tiếng Tày"
    THAI = "thai", "Tiếng Thái"
    HMONG = "hmong", "Tiếng H'Mông"
    SIGN = "sign", "Ngôn ngữ ký hiệu"


class VolunteerRank(models.Model):
    """A volunteer rank as data (Bạch kim, Vàng, Bạc, Hoạt động, …): reached in a year by
    attending at least `min_hours` hours over at least `min_shifts` shifts. The rank shown is
    the highest one reached, computed from attendance, never assigned by hand."""

    name = models.CharField("tên hạng", max_length=50, unique=True)
    min_hours = models.PositiveIntegerField("số giờ tối thiểu trong năm")
    min_shifts = models.PositiveIntegerField("số ca tối thiểu trong năm", default=0)

    class Meta:
        verbose_name = "hạng tình nguyện viên"
        verbose_name_plural = "hạng tình nguyện viên"
        ordering = ["-min_hours", "-min_shifts", "pk"]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    """A volunteer (18 or older; need not be a member)."""

    individual = models.OneToOneField(
        Individual, on_delete=models.PROTECT, related_name="volunteer"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    since = models.DateField("tham gia từ")
    skills = models.CharField("kỹ năng, ngoại ngữ", max_length=255, blank=True)
    skill_tags = models.JSONField("kỹ năng", default=list, blank=True)
    languages = models.JSONField("ngoại ngữ, tiếng dân tộc", default=list, blank=True)
    availability = models.CharField("thời gian có thể tham gia", max_length=255, blank=True)
    # the availability folded (lib.text.search_key), so "thu bay" finds "Thứ Bảy"
    availability_key = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = "tình nguyện viên"
        verbose_name_plural = "tình nguyện viên"

    def __str__(self):
        return str(self.individual)

    def save(self, *args, **kwargs):
        self.availability_key = search_key(self.availability or "")[:255]
        fields = kwargs.get("update_fields")
        if fields is not None and "availability" in fields:
            kwargs["update_fields"] = [*fields, "availability_key"]
        super().save(*args, **kwargs)


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên đội, nhóm", max_length=150)
    kind = models.CharField("loại", max_length=10, choices=TeamKind.choices)
    members = models.ManyToManyField(Volunteer, related_name="teams", blank=True)

    class Meta:
        verbose_name = "đội, nhóm tình nguyện"
        verbose_name_plural = "đội, nhóm tình nguyện"

    def __str__(self):
        return self.name


class Shift(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shifts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField("hoạt động", max_length=200)
    starts_at = models.DateTimeField("bắt đầu")
    ends_at = models.DateTimeField("kết thúc")
    places = models.PositiveSmallIntegerField("số người cần", default=10)

    class Meta:
        verbose_name = "ca trực"
        verbose_name_plural = "ca trực"
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.activity} ({self.starts_at:%d/%m/%Y %H:%M})"


class Attendance(models.TextChoices):
    SIGNED_UP = "signed_up", "Đã đăng ký"
    ATTENDED = "attended", "Có mặt"
    NO_SHOW = "no_show", "Vắng mặt"


class ShiftSignup(models.Model):
    """A volunteer on a shift: signed up, then present or absent. Hours are the shift's length
    for those present, computed, never typed."""

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(max_length=10, choices=Attendance.choices,
                              default=Attendance.SIGNED_UP)  # fmt: skip
    walk_in = models.BooleanField("có mặt nhưng chưa đăng ký", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], name="people_signup_once")
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.shift}"


# ---- training: courses, participants, results, certificates ----------------------------------


class CourseKind(models.TextChoices):
    FIRST_AID = "first_aid", "Sơ cấp cứu"
    DISASTER = "disaster", "Ứng phó thảm họa"
    BLOOD = "blood", "Vận động hiến máu"


class Course(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên khóa tập huấn", max_length=200)
    kind = models.CharField("loại", max_length=10, choices=CourseKind.choices)
    trainer = models.CharField("giảng viên", max_length=150)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    valid_months = models.PositiveSmallIntegerField("chứng nhận có giá trị (tháng)", default=24)

    class Meta:
        verbose_name = "khóa tập huấn"
        verbose_name_plural = "khóa tập huấn"
        ordering = ["-starts_on", "pk"]

    def __str__(self):
        return self.name


class CourseResult(models.TextChoices):
    PENDING = "pending", "Chưa có kết quả"
    PASSED = "passed", "Đạt"
    FAILED = "failed", "Không đạt"


class Participant(models.Model):
    """A person on a course; a certificate (numbered per organisation and year) only for
    those who passed, valid until `expires_on`."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="participants")
    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="courses")
    result = models.CharField("kết quả", max_length=10, choices=CourseResult.choices,
                              default=CourseResult.PENDING)  # fmt: skip
    certificate_no = models.CharField("số chứng nhận", max_length=40, blank=True)
    issued_on = models.DateField("ngày cấp", null=True, blank=True)
    expires_on = models.DateField("có giá trị đến", null=True, blank=True)

    class Meta:
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        constraints = [
            models.UniqueConstraint(fields=["course", "individual"], name="people_course_once"),
            models.UniqueConstraint(fields=["certificate_no"], condition=~models.Q(
                certificate_no=""), name="people_certificate_no_unique"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.individual} · {self.course}"


# ---- personal data by law: data-subject requests (docs/decisions/0025-personal-data.md) ----
# The workflow all registries share is orgs/datarequests.py; the kinds and their legal
# deadlines are the one table of law-as-data, beneficiaries.DataRequestKind, referred to by
# name (a table both registries read; no code of beneficiaries is imported).


class IndividualDataRequest(DataRequestBase):
    """A member's, volunteer's or blood donor's request about their data
    (orgs.models.DataRequestBase)."""

    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="data_requests"
    )
    kind = models.ForeignKey(
        "beneficiaries.DataRequestKind", on_delete=models.PROTECT, related_name="+",
        verbose_name="loại",
    )  # fmt: skip

    class Meta(DataRequestBase.Meta):
        verbose_name = "yêu cầu về dữ liệu cá nhân (hội viên, tình nguyện viên, người hiến máu)"
        verbose_name_plural = (
            "yêu cầu về dữ liệu cá nhân (hội viên, tình nguyện viên, người hiến máu)"
        )


class IndividualDataRequestStatusChange(StatusChange):
    request = models.ForeignKey(
        IndividualDataRequest, on_delete=models.CASCADE, related_name="history"
    )

    subject_field = "request"


# ---- leadership posts with dates (issue #20 item 7) -----------------------------------------


class PostKind(models.TextChoices):
    CHAIR = "chair", "Chủ tịch"
    VICE_CHAIR = "vice_chair", "Phó Chủ tịch"
    STANDING = "standing", "Ủy viên Ban Thường vụ"
    EXECUTIVE = "executive", "Ủy viên Ban Chấp hành"
    INSPECTION = "inspection", "Trưởng Ban Kiểm tra"


POST_ORDER = {kind: n for n, kind in enumerate(PostKind.values)}


class LeadershipPostQuerySet(models.QuerySet):
    def on(self, day):
        return self.filter(started_on__lte=day).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=day)
        )


class LeadershipPost(models.Model):
    """A person holding a post in an organisation for a dated period (by a decision): the
    organisation's "who led it when". One Chủ tịch at a time (the action refuses an overlap,
    the database refuses two open ones)."""

    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="posts", verbose_name="người giữ chức"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    post = models.CharField("chức vụ", max_length=12, choices=PostKind.choices)
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    decision = models.CharField("số quyết định", max_length=100, blank=True)
    end_note = models.CharField("ghi chú khi thôi giữ chức", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LeadershipPostQuerySet.as_manager()

    class Meta:
        verbose_name = "chức vụ lãnh đạo"
        verbose_name_plural = "chức vụ lãnh đạo"
        ordering = ["organisation_id", "-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(post="chair", ended_on__isnull=True),
                name="people_one_open_chair",
            )
        ]

    def __str__(self):
        return f"{self.get_post_display()} {self.organisation}: {self.individual}"


# ---- fee year-end close (issue #20 item 3) ------------------------------------------------


class FeeYearClose(models.Model):
    """A year's fee books closed for one organisation: the figures as they were, who closed
    them. While a close stands (not reopened), that year's payments and annulments at the
    organisation are refused. A close never ends a membership."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    figures = models.JSONField("số liệu khi khóa sổ")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.CharField("lý do mở lại", max_length=255, blank=True)
    # closed in one action with the whole subtree of this close's organisation: the closes
    # of the organisations under it point to its own, and reopening it reopens them too
    covered_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="covered",
        verbose_name="khóa cùng với",
    )  # fmt: skip

    class Meta:
        verbose_name = "khóa sổ hội phí năm"
        verbose_name_plural = "khóa sổ hội phí năm"
        ordering = ["-year", "-closed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(reopened_at__isnull=True),
                name="people_fee_year_closed_once",
            )
        ]

    def __str__(self):
        return f"Khóa sổ hội phí {self.year}: {self.organisation}"

    @property
    def standing(self) -> bool:
        return self.reopened_at is None


# ---- youth groups' activities (issue #20 item 5) --------------------------------------------


class YouthActivityKind(models.TextChoices):
    FIRST_AID = "first_aid", "Sơ cấp cứu"
    BLOOD = "blood", "Vận động hiến máu"
    SOCIAL = "social", "Thăm hỏi, giúp đỡ người khó khăn"
    ENVIRONMENT = "environment", "Môi trường, phòng chống thiên tai"
    COMMUNICATION = "communication", "Truyền thông, sinh hoạt"
    OTHER = "other", "Khác"


class YouthActivity(models.Model):
    """One activity of a youth group on one day, with the group's members who took part
    (youth memberships in the group running on that day). `organisation` is the group's,
    kept on the row so the scope and the roll-up read one path."""

    group = models.ForeignKey(
        YouthGroup, on_delete=models.PROTECT, related_name="activities", verbose_name="nhóm"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    held_on = models.DateField("ngày")
    kind = models.CharField("loại hoạt động", max_length=15, choices=YouthActivityKind.choices)
    title = models.CharField("tên hoạt động", max_length=200)
    hours = models.DecimalField("số giờ", max_digits=4, decimal_places=1, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "hoạt động của nhóm thanh thiếu niên"
        verbose_name_plural = "hoạt động của nhóm thanh thiếu niên"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class YouthActivityParticipant(models.Model):
    """A member of the group who took part: their youth membership running on the day."""

    activity = models.ForeignKey(
        YouthActivity, on_delete=models.PROTECT, related_name="participants"
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "người tham gia hoạt động thanh thiếu niên"
        verbose_name_plural = "người tham gia hoạt động thanh thiếu niên"
        ordering = ["activity_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "membership"], name="people_youth_participant_once"
            )
        ]

    def __str__(self):
        return f"{self.activity}: {self.membership.individual}"
