"""The administrative map (before and after 1 July 2025), organisations, roles, clusters.

Both an administrative unit and an organisation have a stable internal id that is not the
official code, a validity period, and links to what came before and after them.
"""

from datetime import date

from django.conf import settings
from django.db import models

from nhandao.lib.models import StatusChange
from nhandao.lib.pipeline import Move, Pipeline
from nhandao.lib.text import nfc, search_key

MERGER_DAY = date(2025, 7, 1)  # two-tier local government starts (Resolution 202/2025/QH15)


class AdminMap(models.TextChoices):
    OLD = "2025-01", "Trước 01/07/2025 (63 tỉnh)"
    NEW = "2025-07", "Từ 01/07/2025 (34 tỉnh)"


class AdminLevel(models.TextChoices):
    PROVINCE = "province", "Tỉnh/thành phố"
    DISTRICT = "district", "Quận/huyện"
    COMMUNE = "commune", "Xã/phường/đặc khu"


class AdminUnitQuerySet(models.QuerySet):
    def search(self, query: str):
        """Accent- and case-insensitive: every word of the query must appear in the name."""
        qs = self
        for term in search_key(query).split():
            qs = qs.filter(name_key__contains=term)
        return qs

    def on_map(self, admin_map: str):
        return self.filter(map=admin_map)


class AdminUnit(models.Model):
    """A province, a (legacy) district or a commune, on one of the two maps."""

    map = models.CharField("bản đồ", max_length=7, choices=AdminMap.choices)
    level = models.CharField("cấp", max_length=8, choices=AdminLevel.choices)
    code = models.CharField("mã", max_length=10, help_text="Mã chính thức của Tổng cục Thống kê")
    name = models.CharField("tên", max_length=120)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    division_type = models.CharField("loại", max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        constraints = [
            models.UniqueConstraint(fields=["map", "level", "code"], name="unique_unit_code"),
        ]
        indexes = [models.Index(fields=["map", "level", "province"])]
        ordering = ["map", "level", "name"]

    def __str__(self):
        if self.province_id and self.province_id != self.pk:
            return f"{self.name}, {self.province.name}"
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    def new_units(self):
        """Where this unit went on 1 July 2025 (several units when it was split)."""
        return AdminUnit.objects.filter(predecessor_links__old_unit=self).select_related("province")

    def old_units(self):
        """The pre-2025 units that became (part of) this one."""
        return AdminUnit.objects.filter(successor_links__new_unit=self).select_related(
            "province", "parent"
        )


class UnitConversion(models.Model):
    """One row of the official old → new conversion table (Bảng chuyển đổi ĐVHC)."""

    old_unit = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="successor_links"
    )
    new_unit = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    split = models.BooleanField("tách ra nhiều đơn vị", default=False)

    class Meta:
        verbose_name = "chuyển đổi đơn vị hành chính"
        verbose_name_plural = "bảng chuyển đổi đơn vị hành chính"
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="unique_conversion")
        ]

    def __str__(self):
        return f"{self.old_unit} → {self.new_unit}"


class OrgKind(models.TextChoices):
    RED_CROSS = "red_cross", "Hội Chữ thập đỏ"
    FRONT = "front", "Ủy ban MTTQ Việt Nam"
    RELIEF_BOARD = "relief_board", "Ban Vận động cứu trợ"
    MASS_ORG = "mass_org", "Tổ chức chính trị - xã hội khác"
    PARTNER = "partner", "Đối tác"


class PartnerType(models.TextChoices):
    AGENCY = "agency", "Cơ quan"
    BUSINESS = "business", "Doanh nghiệp"
    SCHOOL = "school", "Trường học"
    RELIGIOUS = "religious", "Tổ chức tôn giáo"
    FOREIGN_SOCIETY = "foreign_society", "Hội quốc gia nước ngoài"
    OTHER = "other", "Khác"


class OrgLevel(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Tỉnh/thành phố"
    DISTRICT = "district", "Quận/huyện (trước 2025)"
    COMMUNE = "commune", "Xã/phường/đặc khu"
    BRANCH = "branch", "Chi hội, tổ hội, đơn vị cơ sở"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    MERGED = "merged", "Đã hợp nhất"
    DISSOLVED = "dissolved", "Đã giải thể"


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope_orgs(self, user, perm)

    def active(self):
        return self.filter(status=OrgStatus.ACTIVE)

    def search(self, query: str):
        qs = self
        for term in search_key(query).split():
            qs = qs.filter(models.Q(name_key__contains=term) | models.Q(code__iexact=term))
        return qs

    def subtree_of(self, org):
        return self.filter(path__startswith=org.path)


class Organisation(models.Model):
    """A Red Cross chapter, a Front committee, a relief board, a mass organisation, a partner.

    `path` holds the ids from the root ("/1/7/42/"): a subtree is one indexed prefix query,
    which is how access.py decides reach. A merged or dissolved organisation is moved under
    its successor, so whoever reaches the successor also reaches its history.
    """

    code = models.CharField("mã tổ chức", max_length=40, unique=True)
    name = models.CharField("tên", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField("loại", max_length=20, choices=OrgKind.choices)
    partner_type = models.CharField(
        "loại đối tác", max_length=20, choices=PartnerType.choices, blank=True
    )
    level = models.CharField("cấp", max_length=10, choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="cấp trên",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    admin_unit = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name="địa bàn",
    )
    status = models.CharField(
        "tình trạng", max_length=10, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name="tổ chức kế thừa",
    )
    valid_from = models.DateField("hoạt động từ", null=True, blank=True)
    valid_to = models.DateField("hoạt động đến", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức"
        verbose_name_plural = "tổ chức"
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/")[:-1] if p]
        by_id = Organisation.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_descendant_of(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)


class RoleKind(models.TextChoices):
    VIEWER = "viewer", "Xem"
    OFFICER = "officer", "Cán bộ nghiệp vụ"
    ACCOUNTANT = "accountant", "Kế toán"
    MANAGER = "manager", "Lãnh đạo"
    ORG_ADMIN = "org_admin", "Quản trị tổ chức"


class ScopedQuerySet(models.QuerySet):
    """Records owned by an organisation (`organisation`), narrowed to the user's reach."""

    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)


class RoleQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "manage_users"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)


class Role(models.Model):
    """A role that a user holds at an organisation; it reaches the whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField("vai trò", max_length=12, choices=RoleKind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_role_per_org"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class EmulationCluster(models.Model):
    """A cụm thi đua: numbered and renamed every year, membership is per year."""

    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveSmallIntegerField("số")
    name = models.CharField("tên", max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_clusters",
        verbose_name="đơn vị tổ chức cụm",
    )
    members = models.ManyToManyField(Organisation, related_name="clusters", blank=True)

    class Meta:
        verbose_name = "cụm thi đua"
        verbose_name_plural = "cụm thi đua"
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "number"], name="unique_cluster_number"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"


class SupervisionSubject(models.TextChoices):
    """What a supervision looks at; for a grant, which money records it opens."""

    FUNDS = "funds", "Vận động, tiếp nhận, phân phối, sử dụng nguồn đóng góp (NĐ 93/2021)"
    RELIEF = "relief", "Cứu trợ, hỗ trợ đối tượng"
    OPERATIONS = "operations", "Hoạt động chung (không xem sổ sách tiền)"


# the kinds of money records each subject opens to the supervising body (read only)
SUBJECT_RECORDS = {
    SupervisionSubject.FUNDS: frozenset({"donation", "statement", "allocation"}),
    SupervisionSubject.RELIEF: frozenset({"allocation"}),
    SupervisionSubject.OPERATIONS: frozenset(),
}


class SupervisionGrant(models.Model):
    """A supervising body's time-bound, read-only access to the money records of the
    supervised organisation (and its subtree) dated within a period, for one subject:
    granted by a supervision plan (coordination app), honoured by orgs/access.py, every
    read logged (SupervisedRead). The window (`valid_from`–`valid_until`) is when the team
    may read; the period (`period_start`–`period_end`) is which records it may read."""

    supervisor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grants_held",
        verbose_name="cơ quan giám sát",
    )  # fmt: skip
    supervised = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grants_given",
        verbose_name="đơn vị được giám sát",
    )  # fmt: skip
    subject = models.CharField("nội dung", max_length=12, choices=SupervisionSubject.choices)
    period_start = models.DateField("sổ sách từ ngày")
    period_end = models.DateField("sổ sách đến ngày")
    valid_from = models.DateField("được xem từ ngày")
    valid_until = models.DateField("được xem đến hết ngày")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quyền xem của đoàn giám sát"
        verbose_name_plural = "quyền xem của đoàn giám sát"

    def __str__(self):
        return f"{self.supervisor} → {self.supervised} ({self.get_subject_display()})"


class SupervisedRead(models.Model):
    """One read of a money record through a supervision grant (who, what, when)."""

    grant = models.ForeignKey(SupervisionGrant, on_delete=models.PROTECT, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} đọc {self.record_type} {self.record_id}"


# ---- data-subject requests, the part every registry shares ---------------------------------
# docs/decisions/0025-personal-data.md. The workflow is orgs/datarequests.py; each registry
# (beneficiaries.DataRequest, people.IndividualDataRequest) keeps its own table and adds only
# what differs: the record the request is about and the kind (the one table of law-as-data,
# beneficiaries.DataRequestKind). They live here, beside Organisation, because a request is
# scoped by the "sensitive" reach of an organisation (orgs/access.py).


class DataRequestStatus(models.TextChoices):
    RECEIVED = "received", "Đã nhận, chờ xử lý"
    DONE = "done", "Đã thực hiện"
    REFUSED = "refused", "Từ chối (có lý do)"


DATA_REQUESTS = Pipeline(
    DataRequestStatus,
    noun="yêu cầu về dữ liệu cá nhân",
    moves=[
        Move("received", "done", "Thực hiện yêu cầu", permission="sensitive"),
        Move("received", "refused", "Từ chối", permission="sensitive", style="danger",
             note_required="Cần ghi lý do từ chối (căn cứ pháp luật)."),
    ],
)  # fmt: skip


class FilingRecords(models.TextChoices):
    """Which records the filer thinks the organisation holds about them."""

    BENEFICIARY = "beneficiary", "Tôi là người nhận hỗ trợ (đối tượng thụ hưởng)"
    PEOPLE = "people", "Tôi là hội viên, tình nguyện viên hoặc người hiến máu"
    UNKNOWN = "unknown", "Tôi không rõ"


class FilingStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Đã nhận, chưa xác minh danh tính"
    LINKED = "linked", "Đã xác minh, chuyển thành yêu cầu"
    REFUSED = "refused", "Từ chối (có lý do)"


FILINGS = Pipeline(
    FilingStatus,
    noun="yêu cầu gửi qua trang công khai",
    moves=[
        # made by datarequests.link, with the record the officer picked (not a bare button)
        Move("unverified", "linked", "Xác minh và liên kết hồ sơ", permission="sensitive"),
        Move("unverified", "refused", "Từ chối", permission="sensitive", style="danger",
             note_required="Cần ghi lý do từ chối (ví dụ: không xác minh được danh tính)."),
    ],
)  # fmt: skip


class DataRequestFiling(models.Model):
    """A request a person files themself on the public page (no login): in the chosen
    organisation's queue, its legal deadline running from the filing, until a "sensitive"
    holder verifies who they are and links it to their record (it then becomes the
    registry's request, with the same received and due times) or refuses it with a reason."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức"
    )
    kind = models.ForeignKey(
        "beneficiaries.DataRequestKind", on_delete=models.PROTECT, related_name="+",
        verbose_name="loại",
    )  # fmt: skip
    full_name = models.CharField("họ và tên", max_length=150)
    contact = models.CharField("điện thoại hoặc thư điện tử để trả lời", max_length=150)
    records = models.CharField("hồ sơ", max_length=12, choices=FilingRecords.choices)
    detail = models.TextField("nội dung yêu cầu", blank=True)
    received_at = models.DateTimeField("lúc nhận")
    due_at = models.DateTimeField("hạn trả lời")
    status = models.CharField("tình trạng", max_length=12, choices=FilingStatus.choices,
                              default=FilingStatus.UNVERIFIED)  # fmt: skip
    answered_at = models.DateTimeField("lúc xử lý", null=True, blank=True)
    # the filer was told the outcome (datarequests.tell_filer): when, and by which channel
    told_at = models.DateTimeField("lúc báo người gửi", null=True, blank=True)
    told_by = models.CharField("báo qua", max_length=10, blank=True)

    pipeline = FILINGS

    class Meta:
        verbose_name = "yêu cầu về dữ liệu gửi qua trang công khai"
        verbose_name_plural = "yêu cầu về dữ liệu gửi qua trang công khai"
        ordering = ["due_at", "pk"]

    def __str__(self):  # no name: the audit log's object_repr stays free of personal data
        return f"{self.kind} {self.reference}"

    @property
    def reference(self) -> str:
        """What the filer quotes when they ask about it: "YC2026-000042"."""
        return f"YC{self.received_at:%Y}-{self.pk:06d}"


class DataRequestFilingStatusChange(StatusChange):
    filing = models.ForeignKey(DataRequestFiling, on_delete=models.CASCADE, related_name="history")

    subject_field = "filing"


class DataRequestBase(models.Model):
    """A person's request to see, correct, erase or restrict their data: received by an
    officer holding "sensitive" at the record's organisation, answered before its deadline.
    A registry's model adds the record it is about and `kind`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_by = models.CharField("người yêu cầu", max_length=150)
    detail = models.TextField("nội dung yêu cầu", blank=True)
    received_at = models.DateTimeField("lúc nhận")
    due_at = models.DateTimeField("hạn trả lời")
    status = models.CharField(
        "tình trạng", max_length=10, choices=DataRequestStatus.choices, default="received"
    )
    answered_at = models.DateTimeField("lúc trả lời", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # filed by the person on the public page, then verified and linked by the officer
    filing = models.OneToOneField(
        DataRequestFiling, null=True, blank=True, on_delete=models.PROTECT,
        related_name="%(app_label)s_request", verbose_name="gửi qua trang công khai",
    )  # fmt: skip

    pipeline = DATA_REQUESTS

    class Meta:
        abstract = True
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
