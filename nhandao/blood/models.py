"""Voluntary blood donation (issue #19; DOMAIN.md §6 and §10).

A donor is a role of a person (`people.Individual`: one person, several roles). The Red
Cross organises drives (đợt/điểm hiến máu), people register, the blood centre collects and
the drive's organiser records its result sheet: who gave (type, volume) and who was
deferred until when. Each donation is a dated event; an authorised officer confirms the
sheet (the drive's move "Xác nhận kết quả").

"Likely eligible from" is derived from the history by a dated rule table (IntervalRule):
the interval set by the type of the LAST donation. It is kept on the donor
(`eligible_from`, recomputed by rules.refresh_donor after every change of its history) so
that reminders and `blood_due` are one indexed query over a million donors. Honours are
dated data per province (HonourThreshold); the yearly list proposes them (Honour).
"""

from django.conf import settings
from django.db import models

from nhandao.lib.imports import ImportRecord
from nhandao.lib.models import StatusChange
from nhandao.lib.pipeline import Move, Pipeline
from nhandao.lib.text import search_key


class Abo(models.TextChoices):
    O = "O", "O"  # noqa: E741  (the blood group)
    A = "A", "A"
    B = "B", "B"
    AB = "AB", "AB"


class Rh(models.TextChoices):
    POS = "+", "Rh+ (dương)"
    NEG = "-", "Rh− (âm)"


class Kind(models.TextChoices):
    WHOLE = "whole", "Máu toàn phần"
    RED_CELLS = "red_cells", "Hồng cầu (gạn tách)"
    PLATELETS = "platelets", "Tiểu cầu (gạn tách)"
    PLASMA = "plasma", "Huyết tương (gạn tách)"


APHERESIS = {Kind.RED_CELLS, Kind.PLATELETS, Kind.PLASMA}
VOLUMES = (250, 350, 450)


class DonorQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def active(self):
        """Donors not merged into another (a merged record keeps only its code)."""
        return self.filter(merged_into__isnull=True)

    def search(self, text: str):
        """Accent- and case-insensitive over the person's name; a code or a phone as typed."""
        qs = self
        text = (text or "").strip()
        if text[:1].isdigit() or text.upper().startswith("HM"):
            return qs.filter(models.Q(code__iexact=text) | models.Q(individual__phone=text))
        for word in search_key(text).split():
            qs = qs.filter(individual__name_key__contains=word)
        return qs


class Donor(models.Model):
    code = models.CharField("mã người hiến", max_length=30, unique=True)
    individual = models.OneToOneField(
        "people.Individual", on_delete=models.PROTECT, related_name="blood_donor"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="blood_donors",
        verbose_name="tổ chức quản lý",
    )
    abo = models.CharField("nhóm máu", max_length=2, choices=Abo.choices, blank=True)
    rh = models.CharField("Rh", max_length=1, choices=Rh.choices, blank=True)
    weight_kg = models.PositiveSmallIntegerField("cân nặng lần hiến gần nhất (kg)", null=True)
    # derived from the history (rules.refresh_donor), never typed
    donation_count = models.PositiveIntegerField("số lần hiến", default=0)
    last_donation_on = models.DateField("lần hiến gần nhất", null=True, blank=True)
    last_kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    deferred_until = models.DateField("tạm hoãn đến", null=True, blank=True)
    eligible_from = models.DateField("có thể hiến lại từ", null=True, blank=True, db_index=True)
    reminders_opt_out_at = models.DateTimeField("từ chối nhận nhắc lịch lúc", null=True, blank=True)
    # the province of the person's commune, kept here so that a province's honour list is
    # one indexed range (province, count) instead of a join over a million people; set by
    # create_donor, kept current when the person's commune changes (apps._person_saved)
    province = models.ForeignKey(
        "orgs.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tỉnh/thành (theo xã/phường của người hiến)",
    )
    # a duplicate found later: its history moved to this donor (actions.merge_donors); the
    # record is kept, never deleted, so its code still leads to the person
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name="đã gộp vào",
    )
    merged_at = models.DateTimeField("lúc gộp", null=True, blank=True)
    # a family of donors ("gia đình hiến máu"), honoured for the donations of all its members
    family = models.ForeignKey(
        "blood.DonorFamily",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="gia đình hiến máu",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = "người hiến máu"
        verbose_name_plural = "người hiến máu"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["province", "donation_count"], name="blood_donor_prov_count")
        ]

    def __str__(self):
        return f"{self.individual.full_name} ({self.code})"

    @property
    def blood_group(self) -> str:
        return f"{self.abo}{self.rh}" if self.abo else "chưa rõ"


class DriveStatus(models.TextChoices):
    PLANNED = "planned", "Dự kiến"
    OPEN = "open", "Đang nhận đăng ký"
    HELD = "held", "Đã tổ chức"
    RESULTS = "results", "Đã có kết quả"
    CLOSED = "closed", "Đã kết thúc"
    CANCELLED = "cancelled", "Đã hủy"


D = DriveStatus

# The one table of a drive's moves. Confirming the centre's result sheet is the authorised
# officer's decision ("approve"); the rule refuses it while no result has been entered.
PIPELINE = Pipeline(
    DriveStatus,
    noun="đợt hiến máu",
    moves=[
        Move(D.PLANNED, D.OPEN, "Mở đăng ký"),
        Move(D.PLANNED, D.CANCELLED, "Hủy đợt", style="secondary"),
        Move(D.OPEN, D.HELD, "Đã tổ chức xong, chờ kết quả"),
        Move(D.OPEN, D.CANCELLED, "Hủy đợt", style="secondary"),
        Move(
            D.HELD,
            D.RESULTS,
            "Xác nhận kết quả",
            permission="approve",
            rule="nhandao.blood.actions.check_results_present",
        ),
        Move(D.RESULTS, D.CLOSED, "Kết thúc đợt"),
    ],
)
OPEN_FOR_REGISTRATION = (D.OPEN,)
UPCOMING = (D.PLANNED, D.OPEN)


class DriveQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def public(self):
        return self.exclude(status__in=[D.PLANNED, D.CANCELLED])


class Drive(models.Model):
    code = models.CharField("mã đợt", max_length=30, unique=True)
    name = models.CharField("tên đợt", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="blood_drives",
        verbose_name="đơn vị tổ chức",
    )
    partners = models.CharField("đơn vị phối hợp", max_length=255, blank=True)
    blood_centre = models.CharField("cơ sở tiếp nhận máu", max_length=200)
    commune = models.ForeignKey(
        "orgs.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="xã/phường (bản đồ mới)",
    )
    address = models.CharField("địa điểm", max_length=255)
    held_on = models.DateField("ngày tổ chức", db_index=True)
    starts_at = models.TimeField("từ giờ")
    ends_at = models.TimeField("đến giờ")
    target_units = models.PositiveIntegerField("chỉ tiêu (đơn vị máu)", default=0)
    status = models.CharField(
        "tình trạng", max_length=10, choices=DriveStatus.choices, default=D.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DriveQuerySet.as_manager()
    pipeline = PIPELINE

    class Meta:
        verbose_name = "đợt hiến máu"
        verbose_name_plural = "đợt hiến máu"
        ordering = ["-held_on", "code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class DriveStatusChange(StatusChange):
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=DriveStatus.choices)

    subject_field = "drive"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng đợt hiến máu"
        verbose_name_plural = "lịch sử tình trạng đợt hiến máu"


class Source(models.TextChoices):
    PUBLIC = "public", "Tự đăng ký trực tuyến"
    OFFICER = "officer", "Cán bộ đăng ký"
    IMPORT = "import", "Nhập từ danh sách"


class Registration(models.Model):
    drive = models.ForeignKey(Drive, on_delete=models.PROTECT, related_name="registrations")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="registrations")
    source = models.CharField(max_length=8, choices=Source.choices)
    # the short health self-declaration: kept for the collection site, never decides
    declaration = models.JSONField("tự khai sức khỏe", default=dict, blank=True)
    attended = models.BooleanField("có mặt", default=False)
    attended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đăng ký hiến máu"
        verbose_name_plural = "đăng ký hiến máu"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["drive", "donor"], name="blood_one_registration")
        ]

    def __str__(self):
        return f"{self.donor_id} → {self.drive_id}"


class Donation(models.Model):
    """One donation: a dated event of the donor's history, from a drive's result sheet or an
    imported history. Never changed in place."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="blood_donations"
    )
    drive = models.ForeignKey(
        Drive, null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    donated_on = models.DateField("ngày hiến")
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    volume_ml = models.PositiveSmallIntegerField("thể tích (ml)")
    weight_kg = models.PositiveSmallIntegerField("cân nặng (kg)", null=True, blank=True)
    # accepted with a flag: a result for someone who had not registered for the drive
    unregistered = models.BooleanField("không đăng ký trước", default=False)
    # recorded before the interval had passed, because the centre confirmed it
    early = models.BooleanField("hiến sớm hơn khoảng cách (cơ sở xác nhận)", default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lần hiến máu"
        verbose_name_plural = "lần hiến máu"
        ordering = ["donated_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["donor", "donated_on"], name="blood_one_a_day")
        ]
        indexes = [models.Index(fields=["organisation", "donated_on"])]

    def __str__(self):
        return f"{self.donor_id}: {self.kind} {self.volume_ml} ml ngày {self.donated_on:%d/%m/%Y}"


class Deferral(models.Model):
    """A temporary deferral from a result sheet ("hoãn đến …")."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="deferrals")
    drive = models.ForeignKey(
        Drive, null=True, blank=True, on_delete=models.PROTECT, related_name="deferrals"
    )
    deferred_on = models.DateField("ngày hoãn")
    until = models.DateField("hoãn đến")
    reason = models.CharField("lý do", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tạm hoãn hiến máu"
        verbose_name_plural = "tạm hoãn hiến máu"
        ordering = ["deferred_on", "pk"]

    def __str__(self):
        return f"{self.donor_id}: hoãn đến {self.until:%d/%m/%Y}"


class IntervalRule(models.Model):
    """The dated rule table of "likely eligible from": after a donation of `kind` on or after
    `valid_from` (until the next rule of that kind), the next one is likely possible
    `days` later (Circular 26/2013/TT-BYT art. 6)."""

    kind = models.CharField("loại lần hiến trước", max_length=10, choices=Kind.choices)
    days = models.PositiveSmallIntegerField("số ngày chờ")
    valid_from = models.DateField("áp dụng từ")
    source = models.CharField("căn cứ", max_length=200, blank=True)

    class Meta:
        verbose_name = "khoảng cách giữa hai lần hiến"
        verbose_name_plural = "khoảng cách giữa hai lần hiến"
        ordering = ["kind", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="blood_one_rule_a_day")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days} ngày (từ {self.valid_from:%d/%m/%Y})"


class UnitValue(models.Model):
    """What one unit is worth in the reports' "tổng trị giá" (đồng), by volume, dated: by
    default the gift and travel support of Circular 17/2020."""

    volume_ml = models.PositiveSmallIntegerField("thể tích (ml)")
    value = models.BigIntegerField("giá trị (đồng)")
    valid_from = models.DateField("áp dụng từ")

    class Meta:
        verbose_name = "giá trị quy đổi một đơn vị máu"
        verbose_name_plural = "giá trị quy đổi đơn vị máu"
        ordering = ["volume_ml", "valid_from"]

    def __str__(self):
        return f"{self.volume_ml} ml: {self.value} đồng (từ {self.valid_from:%d/%m/%Y})"


class FamilyQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def search(self, text: str):
        qs = self
        for word in search_key(text or "").split():
            qs = qs.filter(name_key__contains=word)
        return qs


class DonorFamily(models.Model):
    """A family whose members give blood: honoured together when the donations of all its
    members reach a family band (e.g. a family's 15th donation: a gold glass cup from the
    province). A donor belongs to at most one family; the family's province is that of the
    chapter that keeps it (it decides which province's bands apply)."""

    name = models.CharField("tên gia đình", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="blood_families",
        verbose_name="tổ chức quản lý",
    )
    province = models.ForeignKey(
        "orgs.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh/thành"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = "gia đình hiến máu"
        verbose_name_plural = "gia đình hiến máu"
        ordering = ["name_key", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class HonourArea(models.Model):
    """Part of a province whose bands differ (e.g. 7 donations in mountain communes where the
    lowlands need 10): a name and its communes (new map). Donors living there are listed by
    the area's bands while any is in force, by the province's otherwise."""

    province = models.ForeignKey(
        "orgs.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh/thành"
    )
    name = models.CharField("tên vùng", max_length=120)
    communes = models.ManyToManyField("orgs.AdminUnit", related_name="+", verbose_name="xã/phường")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vùng có mốc vinh danh riêng"
        verbose_name_plural = "vùng có mốc vinh danh riêng"
        ordering = ["province_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="blood_one_area_name")
        ]

    def __str__(self):
        return self.name


class HonourThreshold(models.Model):
    """A milestone and the award it earns, dated, for a province (a new-map province unit;
    none: the default everywhere). The awarding body changed on 1 July 2025 where it was a
    district: a new row from that date, the old one ends the day before."""

    province = models.ForeignKey(
        "orgs.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tỉnh/thành (trống: mặc định)",
    )
    donations = models.PositiveSmallIntegerField("số lần hiến")
    award = models.CharField("hình thức khen thưởng", max_length=200)
    awarded_by = models.CharField("cấp khen", max_length=200)
    valid_from = models.DateField("áp dụng từ")
    valid_to = models.DateField("áp dụng đến", null=True, blank=True)
    # "not honoured in the last N years" where the province says so (0: no exclusion)
    skip_if_honoured_within_years = models.PositiveSmallIntegerField(
        "bỏ qua người đã được vinh danh trong số năm gần đây", default=0
    )
    # a band of the donations of a whole family, not of one person
    for_family = models.BooleanField("mốc của gia đình", default=False)
    # a band of part of the province only (its mountain communes, say)
    area = models.ForeignKey(
        HonourArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="thresholds",
        verbose_name="vùng (trống: cả tỉnh)",
    )

    class Meta:
        verbose_name = "mốc vinh danh"
        verbose_name_plural = "mốc vinh danh"
        ordering = ["province_id", "donations", "valid_from"]

    def __str__(self):
        return f"{self.donations} lần: {self.award} — {self.awarded_by}"


class HonourOccasion(models.TextChoices):
    APRIL_7 = "04-07", "Ngày Toàn dân hiến máu tình nguyện (7/4)"
    JUNE_14 = "06-14", "Ngày Quốc tế người hiến máu (14/6)"


class HonourStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề xuất"
    AWARDED = "awarded", "Đã khen thưởng"


class HonourBase(models.Model):
    """What a person's and a family's honour share: the band reached, the occasion it was
    proposed for, and the award decision that made the proposal an honour."""

    threshold = models.ForeignKey(HonourThreshold, on_delete=models.PROTECT, related_name="+")
    donations = models.PositiveSmallIntegerField("mốc (số lần hiến)")
    year = models.PositiveSmallIntegerField("năm")
    occasion = models.CharField(max_length=5, choices=HonourOccasion.choices)
    status = models.CharField(
        max_length=8, choices=HonourStatus.choices, default=HonourStatus.PROPOSED
    )
    # the award decision that made a proposal an honour (only then is it published)
    decision = models.CharField("số quyết định khen thưởng", max_length=60, blank=True)
    awarded_on = models.DateField("ngày quyết định", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Honour(HonourBase):
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="honours")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="blood_honours"
    )

    class Meta:
        verbose_name = "vinh danh người hiến máu"
        verbose_name_plural = "vinh danh người hiến máu"
        ordering = ["-year", "donor__code"]
        constraints = [
            models.UniqueConstraint(fields=["donor", "donations"], name="blood_one_honour_a_band")
        ]

    def __str__(self):
        return f"{self.donor_id}: mốc {self.donations} lần ({self.year})"


class FamilyHonour(HonourBase):
    family = models.ForeignKey(DonorFamily, on_delete=models.PROTECT, related_name="honours")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="blood_family_honours"
    )

    class Meta:
        verbose_name = "vinh danh gia đình hiến máu"
        verbose_name_plural = "vinh danh gia đình hiến máu"
        ordering = ["-year", "family__name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "donations"], name="blood_one_family_honour_a_band"
            )
        ]

    def __str__(self):
        return f"{self.family_id}: mốc {self.donations} lần ({self.year})"


class Reminder(models.Model):
    """A reminder sent to a donor for a drive (one per drive and donor)."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="reminders")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="reminders")
    channel = models.CharField(max_length=10, default="email")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["drive", "donor"], name="blood_one_reminder")
        ]

    def __str__(self):
        return f"{self.donor_id} → {self.drive_id}"


class ImportPurpose(models.TextChoices):
    HISTORY = "history", "Người hiến và lịch sử hiến"
    REGISTRATIONS = "registrations", "Danh sách đăng ký của đợt"
    RESULTS = "results", "Bảng kết quả của đợt"


class BloodImport(ImportRecord):
    """A donor-and-history workbook imported with `nhandao import_blood`, or a drive's
    registration list or result sheet (blood/drive_imports.py)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="blood_imports"
    )
    purpose = models.CharField(
        max_length=16, choices=ImportPurpose.choices, default=ImportPurpose.HISTORY
    )
    drive = models.ForeignKey(
        Drive, on_delete=models.PROTECT, null=True, blank=True, related_name="imports"
    )

    target_fields = ("organisation",)
    row_key = "mã người hiến, ngày hiến"
    history_model = "blood.BloodImportStatusChange"
    upload_dir = "blood"


class BloodImportStatusChange(StatusChange):
    record = models.ForeignKey(BloodImport, on_delete=models.CASCADE, related_name="history")

    subject_field = "record"
