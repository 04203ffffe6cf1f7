"""The registry of people in need: households, persons, support received, duplicate reviews,
imports, humanitarian addresses and their sponsors.

Every record has an owning organisation. Whoever reaches that organisation (orgs/access.py)
sees it fully; organisations working in the same area see only that a person exists and what
support they received (see `lookups.py`). Sensitive fields (identity number, phone,
birth date, vulnerability, poverty, consent) need the "sensitive" permission and every read
of them is logged.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from nhandao.lib.imports import ImportRecord, ImportStatus
from nhandao.lib.models import StatusChange
from nhandao.lib.text import search_key
from nhandao.orgs.models import AdminUnit, DataRequestBase, Organisation


class Sex(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class Relationship(models.TextChoices):
    HEAD = "head", "Chủ hộ"
    SPOUSE = "spouse", "Vợ/chồng"
    CHILD = "child", "Con"
    PARENT = "parent", "Cha/mẹ"
    GRANDCHILD = "grandchild", "Cháu"
    SIBLING = "sibling", "Anh/chị/em"
    OTHER = "other", "Khác"


class Vulnerability(models.TextChoices):
    DISABILITY = "disability", "Người khuyết tật"
    ORPHAN = "orphan", "Trẻ mồ côi"
    LONELY_ELDERLY = "lonely_elderly", "Người cao tuổi cô đơn"
    AGENT_ORANGE = "agent_orange", "Nạn nhân chất độc da cam"
    SERIOUS_ILLNESS = "serious_illness", "Bệnh hiểm nghèo"
    DISASTER_VICTIM = "disaster_victim", "Nạn nhân thiên tai"
    POOR_FISHERMAN = "poor_fisherman", "Ngư dân nghèo"
    MALNOURISHED_CHILD = "malnourished_child", "Trẻ suy dinh dưỡng"
    STUDENT_HARDSHIP = "student_hardship", "Học sinh, sinh viên khó khăn"
    OTHER = "other", "Khác"


class PovertyStatus(models.TextChoices):
    POOR = "poor", "Hộ nghèo"
    NEAR_POOR = "near_poor", "Hộ cận nghèo"
    NONE = "none", "Không thuộc diện nghèo"


class SupportKind(models.TextChoices):
    CASH = "cash", "Tiền mặt"
    GIFT = "gift", "Quà tặng"
    HOUSE = "house", "Nhà nhân đạo"
    COW = "cow", "Bò (ngân hàng bò)"
    LIVELIHOOD = "livelihood", "Sinh kế khác (thuyền, giống, vốn…)"
    SCHOLARSHIP = "scholarship", "Học bổng"
    HEALTH_INSURANCE = "health_insurance", "Thẻ bảo hiểm y tế"
    MEDICAL = "medical", "Hỗ trợ khám chữa bệnh"
    OTHER = "other", "Khác"


class AddressFields(models.Model):
    """Where someone lives: the commune on the new map (derived from the conversion table
    when the address was given on the old map), the old commune as given, a village."""

    address = models.CharField("địa chỉ", max_length=255, blank=True)
    commune = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="xã/phường (bản đồ mới)",
    )
    old_commune = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="xã/phường cũ (trước 01/07/2025)",
    )
    village = models.CharField("thôn/xóm/tổ dân phố", max_length=120, blank=True)
    village_key = models.CharField(max_length=120, blank=True, editable=False)

    class Meta:
        abstract = True


class RegistryQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        """Records owned by an organisation in the user's reach (full view)."""
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def visible_to(self, user):
        """Records seen fully or, in the user's area, as existing (see lookups.py)."""
        from nhandao.beneficiaries import lookups

        return lookups.visible(self, user)


class PersonQuerySet(RegistryQuerySet):
    def active(self):
        """Persons under management: not merged away, not restricted by their own request
        (a restricted person leaves the lists, searches and exports; the page stays)."""
        return self.filter(status=PersonStatus.ACTIVE, restricted_at=None)

    def search(self, query: str):
        """Persons matching `query`: words of the name (any order, no accents needed), or a
        CCCD/CMND or phone number. Chain after `visible_to(user)`."""
        from nhandao.beneficiaries.identity import digits_only
        from nhandao.lib.text import search_terms

        number = digits_only(query)
        if number.isdigit() and len(number) >= 9:
            return self.filter(Q(id_number=number) | Q(phone=number))
        persons = self
        for term in search_terms(query):
            persons = persons.filter(name_key__contains=term)
        return persons


class Household(AddressFields):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name="tổ chức quản lý",
    )
    head = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="chủ hộ",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "hộ gia đình"
        verbose_name_plural = "hộ gia đình"

    def __str__(self):
        head = self.head.full_name if self.head_id else f"#{self.pk}"
        return f"Hộ {head}"

    def save(self, *args, **kwargs):
        self.village_key = search_key(self.village)
        super().save(*args, **kwargs)

    def current_poverty(self):
        return self.poverty_statuses.order_by("-year").first()


class HouseholdPoverty(models.Model):
    """Poverty status for one year, as certified by the commune (sensitive)."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="poverty_statuses"
    )
    year = models.PositiveSmallIntegerField("năm")
    status = models.CharField("diện", max_length=10, choices=PovertyStatus.choices)
    certified_by = models.CharField("cơ quan xác nhận", max_length=200, blank=True)
    certificate_no = models.CharField("số quyết định/giấy chứng nhận", max_length=60, blank=True)
    certified_on = models.DateField("ngày xác nhận", null=True, blank=True)

    class Meta:
        verbose_name = "diện nghèo theo năm"
        verbose_name_plural = "diện nghèo theo năm"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_poverty_per_year")
        ]

    def __str__(self):
        return f"{self.year}: {self.get_status_display()}"


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Đang quản lý"
    MERGED = "merged", "Đã gộp vào hồ sơ khác"


class Person(AddressFields):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name="tổ chức quản lý",
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name="hộ gia đình",
    )
    relationship = models.CharField(
        "quan hệ với chủ hộ", max_length=12, choices=Relationship.choices, blank=True
    )
    full_name = models.CharField("họ và tên", max_length=150)
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    family_name = models.CharField("họ (chuẩn hóa)", max_length=40, blank=True, editable=False)
    middle_name = models.CharField("tên đệm (chuẩn hóa)", max_length=60, blank=True, editable=False)
    given_name = models.CharField("tên (chuẩn hóa)", max_length=40, blank=True, editable=False)
    sex = models.CharField("giới tính", max_length=6, choices=Sex.choices, blank=True)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField("năm sinh", null=True, blank=True)
    id_number = models.CharField("số CCCD/CMND", max_length=12, blank=True, db_index=True)
    phone = models.CharField("điện thoại", max_length=11, blank=True, db_index=True)
    vulnerabilities = models.JSONField("diện khó khăn", default=list, blank=True)
    consent_by = models.CharField("người đồng ý", max_length=150, blank=True)
    consent_at = models.DateField("ngày đồng ý", null=True, blank=True)
    consent_purpose = models.CharField("mục đích sử dụng dữ liệu", max_length=255, blank=True)
    external_id = models.CharField("mã ở hệ thống nguồn", max_length=64, blank=True)
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        max_length=8, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    # the person asked that their data no longer be processed (a data-subject request)
    restricted_at = models.DateTimeField("hạn chế xử lý từ", null=True, blank=True)
    erased_at = models.DateTimeField("xoá dữ liệu lúc", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    # Fields that only a user with the "sensitive" permission reads (each read is logged).
    SENSITIVE = (
        "id_number",
        "phone",
        "birth_date",
        "vulnerabilities",
        "consent_by",
        "consent_at",
        "consent_purpose",
    )

    class Meta:
        verbose_name = "đối tượng"
        verbose_name_plural = "đối tượng"
        indexes = [
            models.Index(fields=["commune", "name_key"]),
            models.Index(fields=["given_name", "birth_year"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "import_key"],
                condition=~models.Q(import_key=""),
                name="unique_import_key_per_org",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == PersonStatus.ACTIVE

    def normalise(self) -> "Person":
        """Fill the stored keys (also called by bulk imports, which skip save())."""
        from nhandao.beneficiaries.identity import clean_full_name, split_name

        self.full_name = clean_full_name(self.full_name)
        parts = split_name(self.full_name)
        self.family_name, self.middle_name, self.given_name = (
            parts.family,
            parts.middle,
            parts.given,
        )
        self.name_key = parts.key
        self.village_key = search_key(self.village)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        return self

    def birth_display(self) -> str:
        if self.birth_date:
            return self.birth_date.strftime("%d/%m/%Y")
        return str(self.birth_year or "")

    def vulnerability_labels(self) -> list[str]:
        labels = dict(Vulnerability.choices)
        return [labels.get(v, v) for v in self.vulnerabilities or []]


class SupportQuerySet(models.QuerySet):
    def counted(self):
        """The support that stands: not annulled (a sponsorship payment reversed)."""
        return self.filter(annulled_at__isnull=True)


class SupportRecord(models.Model):
    """One support a person or household received, from any organisation. Never deleted:
    a line recorded in error (a reversed sponsorship payment) is annulled with a reason and
    left out of what counts (`counted()`)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="support_given",
        verbose_name="tổ chức hỗ trợ",
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supports",
        verbose_name="người nhận",
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supports",
        verbose_name="hộ nhận",
    )
    date = models.DateField("ngày")
    kind = models.CharField("hình thức", max_length=20, choices=SupportKind.choices)
    value = models.BigIntegerField("trị giá (đồng)", default=0)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    sponsorship = models.ForeignKey(
        "Sponsorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="supports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    annulled_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    annul_reason = models.CharField("lý do hủy", max_length=255, blank=True)

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = "lần hỗ trợ"
        verbose_name_plural = "lịch sử hỗ trợ"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="support_value_gte_0"),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(household__isnull=False),
                name="support_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class SensitiveRead(models.Model):
    """Who read whose personal data, when, on which page (append-only)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sensitive_reads")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fields = models.CharField(max_length=255)
    channel = models.CharField(max_length=20)  # page, api, export
    purpose = models.ForeignKey(
        "ReadPurpose", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "lượt đọc dữ liệu nhạy cảm"
        verbose_name_plural = "nhật ký đọc dữ liệu nhạy cảm"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user} đọc {self.person} ({self.channel})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Không được sửa nhật ký đọc dữ liệu nhạy cảm.")
        super().save(*args, **kwargs)


# ---- duplicate detection ----


class DedupRun(models.Model):
    """One full duplicate run: when, by whom, how many persons and pairs, how long."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    persons = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    new_pairs = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Dò trùng {self.started_at:%d/%m/%Y %H:%M}: {self.pairs} cặp"


class MatchStatus(models.TextChoices):
    PENDING = "pending", "Chờ xem xét"
    MERGED = "merged", "Cùng một người (đã gộp)"
    DISTINCT = "distinct", "Khác người"


class MatchCandidateQuerySet(models.QuerySet):
    def for_reviewer(self, user):
        """Pending pairs of two active persons, where the user fully sees one of them and
        sees the other at least in the area (lookups.py)."""
        visible = Person.objects.visible_to(user).values("pk")
        own = Person.objects.for_user(user).values("pk")
        return (
            self.filter(status=MatchStatus.PENDING)
            .filter(person_a__in=visible, person_b__in=visible)
            .filter(Q(person_a__in=own) | Q(person_b__in=own))
            .filter(person_a__status=PersonStatus.ACTIVE, person_b__status=PersonStatus.ACTIVE)
        )


class MatchCandidate(models.Model):
    """A likely duplicate pair (person_a.pk < person_b.pk), its score and reasons.

    The pair is unique: a later run updates a pending pair; a decided pair ("different
    people" or merged) is never proposed again.
    """

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField("điểm")
    method = models.CharField(max_length=10)  # cccd, splink
    reasons = models.JSONField(default=dict)  # field → agree / differ / missing / close
    cluster = models.PositiveIntegerField(default=0, db_index=True)
    status = models.CharField(
        max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    run = models.ForeignKey(DedupRun, null=True, blank=True, on_delete=models.SET_NULL)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MatchCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="unique_match_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="match_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.score:.3f})"


class MergeRecord(models.Model):
    """A merge of `merged` into `survivor`, with what moved, so that it can be undone."""

    candidate = models.ForeignKey(
        MatchCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=dict)  # {"supports": [...], "sponsorships": [...]}
    # Other pairs of a merged group decided by this merge (both persons now one record);
    # undoing the merge puts them back in the queue, with `candidate`.
    group_pairs = models.JSONField(default=list, blank=True)
    survivor_before = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Gộp {self.merged_id} vào {self.survivor_id}"


# ---- imports ----


class ImportQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "edit"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)


class ImportBatch(ImportRecord):
    """An uploaded list: the file, its checksum, status, counts and per-row errors
    (lib.imports). Without an organisation (command line), each row goes to its commune's
    chapter. rows_accepted: the new persons; rows_duplicate: rows already in the registry
    or repeated in the file; progress: rows checked so far."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    likely_duplicates = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0)  # rows processed
    warnings = models.JSONField(default=list)  # [row_error(…)]
    duplicates_confirmed = models.BooleanField(default=False)

    objects = ImportQuerySet.as_manager()

    target_fields = ("organisation",)
    detail_url_name = "import_detail"
    row_key = "Mã nguồn, hoặc họ tên + ngày/năm sinh + CCCD + xã, trong tổ chức quản lý"
    history_model = "beneficiaries.ImportBatchStatusChange"
    user_moves = (ImportStatus.COMMITTING,)  # the large ones go through "queued": the same button
    upload_dir = "beneficiaries/lists"

    class Meta:
        ordering = ["-uploaded_at"]


class ImportBatchStatusChange(StatusChange):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=ImportStatus.choices)

    subject_field = "batch"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng tệp danh sách đối tượng"
        verbose_name_plural = "lịch sử tình trạng tệp danh sách đối tượng"


# ---- humanitarian addresses (địa chỉ nhân đạo) and sponsors ----


class HumanitarianAddress(models.Model):
    """A household or person registered for long-term support, with needs and a support
    book (the SupportRecords linked to its sponsorships)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="humanitarian_addresses"
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="humanitarian_addresses",
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="humanitarian_addresses",
    )
    needs = models.TextField("nhu cầu", blank=True)
    since = models.DateField("nhận từ ngày")
    active = models.BooleanField("đang hỗ trợ", default=True)
    # the public list of addresses seeking a sponsor shows an address only with the recipient's
    # consent, and then only this summary, the commune and the organisation (no name, no
    # identity, no poverty status)
    public_consent = models.BooleanField("đồng ý công khai để tìm nhà đỡ đầu", default=False)
    public_summary = models.CharField(
        "mô tả công khai (không ghi tên, giấy tờ, bệnh tật)", max_length=255, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "địa chỉ nhân đạo"
        verbose_name_plural = "địa chỉ nhân đạo"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(household__isnull=False),
                name="address_has_recipient",
            ),
        ]

    def __str__(self):
        who = self.person or self.household
        return f"Địa chỉ nhân đạo: {who}"

    def recipient(self):
        return self.person or self.household

    def book(self):
        """The support book: what its recipient has received since the address was registered."""
        if self.person_id:
            recipient = Q(person_id=self.person_id)
        else:
            recipient = Q(household_id=self.household_id)
        return SupportRecord.objects.counted().filter(recipient, date__gte=self.since)


class Sponsor(models.Model):
    """Who sponsors addresses: an organisation or a donor (person or business)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức quản lý"
    )
    sponsor_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsorships_given",
        verbose_name="tổ chức đỡ đầu",
    )
    name = models.CharField("tên nhà tài trợ", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    contact = models.CharField("liên hệ", max_length=200, blank=True)

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "nhà đỡ đầu"
        verbose_name_plural = "nhà đỡ đầu"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class Every(models.IntegerChoices):
    """How often a commitment is paid: each payment is one period (kỳ) of this many months."""

    MONTH = 1, "Hằng tháng"
    QUARTER = 3, "Hằng quý"
    HALF_YEAR = 6, "Mỗi nửa năm (học kỳ)"
    YEAR = 12, "Hằng năm"


class Sponsorship(models.Model):
    """A sponsor's commitment to an address: money (`amount` đồng) or goods each period of
    `every` months, from `start` to `end`. Each period falls due on its first day; its
    payment (SponsorshipPayment) goes through the ledger (beneficiaries/commitments.py)."""

    address = models.ForeignKey(
        HumanitarianAddress, on_delete=models.PROTECT, related_name="sponsorships"
    )
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="sponsorships")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsorships",
        verbose_name="chiến dịch (phong trào)",
    )
    amount = models.BigIntegerField("số tiền mỗi kỳ (đồng)", default=0)
    goods = models.CharField("hiện vật mỗi kỳ", max_length=200, blank=True)
    every = models.PositiveSmallIntegerField("kỳ", choices=Every.choices, default=Every.MONTH)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    months = models.PositiveSmallIntegerField("số tháng")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cam kết đỡ đầu"
        verbose_name_plural = "cam kết đỡ đầu"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="sponsorship_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="sponsorship_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.sponsor_id} → {self.address_id}"

    def due_dates(self) -> list:
        """The first day of every period of the commitment (the day its payment is due)."""
        from nhandao.beneficiaries.commitments import due_dates

        return due_dates(self.start, self.end, self.every)

    @property
    def total_committed(self) -> int:
        return self.amount * len(self.due_dates())


class SponsorshipPayment(models.Model):
    """One period of a commitment paid: the money came in from the sponsor and went out to
    the address through the ledger (two entries of the address's earmarked account), and
    the support book got its line. One payment per period; corrected only by reversal."""

    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.PROTECT, related_name="payments", verbose_name="cam kết"
    )
    period = models.DateField("kỳ (ngày đến hạn)")
    paid_on = models.DateField("ngày trả")
    amount = models.BigIntegerField("số tiền (đồng)", default=0)
    goods = models.CharField("hiện vật", max_length=200, blank=True)
    reason = models.CharField("lý do (khi khác cam kết)", max_length=255, blank=True)
    entry_in = models.OneToOneField(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry_out = models.OneToOneField(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    support = models.OneToOneField(
        SupportRecord, on_delete=models.PROTECT, related_name="sponsorship_payment"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # a reversal (a wrong period, amount or address): the ledger entries reversed, the support
    # line annulled, the period free to be paid again; the row itself stays
    reversed_at = models.DateTimeField("đảo lúc", null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverse_reason = models.CharField("lý do đảo", max_length=255, blank=True)

    class Meta:
        verbose_name = "khoản trả theo cam kết"
        verbose_name_plural = "khoản trả theo cam kết"
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsorship", "period"],
                condition=models.Q(reversed_at__isnull=True),
                name="one_payment_per_sponsorship_period",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="sponsorship_payment_amount_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.sponsorship_id} · {self.period:%m/%Y}"


# ---- personal data by law (Decree 13/2023, Law on Personal Data Protection 2025) ----------
# docs/decisions/0025-personal-data.md


class ReadPurpose(models.Model):
    """Why someone reads a person's sensitive data: chosen on the page, logged with the read.
    A list kept as data (admin, migration 0006), not code."""

    code = models.SlugField("mã", max_length=30, unique=True)
    label = models.CharField("mục đích", max_length=150)
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "mục đích xử lý dữ liệu"
        verbose_name_plural = "mục đích xử lý dữ liệu"
        ordering = ["pk"]

    def __str__(self):
        return self.label


class DataRequestKind(models.Model):
    """A kind of data-subject request and the time the law gives to answer it (hours)."""

    code = models.SlugField("mã", max_length=20, unique=True)  # see, correct, erase, restrict
    label = models.CharField("loại yêu cầu", max_length=100)
    deadline_hours = models.PositiveIntegerField("hạn trả lời (giờ)")
    law = models.CharField("căn cứ", max_length=200, blank=True)

    class Meta:
        verbose_name = "loại yêu cầu về dữ liệu cá nhân"
        verbose_name_plural = "loại yêu cầu về dữ liệu cá nhân"
        ordering = ["pk"]

    def __str__(self):
        return self.label


class DataRequest(DataRequestBase):
    """A data-subject request about a person of the registry (orgs.models.DataRequestBase)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="data_requests")
    kind = models.ForeignKey(DataRequestKind, on_delete=models.PROTECT, verbose_name="loại")

    class Meta(DataRequestBase.Meta):
        verbose_name = "yêu cầu về dữ liệu cá nhân"
        verbose_name_plural = "yêu cầu về dữ liệu cá nhân"


class DataRequestStatusChange(StatusChange):
    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="history")

    subject_field = "request"


class RetentionRule(models.Model):
    """How long a kind of record is kept (years), as data; `nhandao apply_retention` applies
    the rules (beneficiaries/retention.py says what each kind does)."""

    kind = models.SlugField("loại hồ sơ", max_length=40, unique=True)
    label = models.CharField("mô tả", max_length=200)
    years = models.PositiveSmallIntegerField("số năm lưu")
    law = models.CharField("căn cứ", max_length=200, blank=True)

    class Meta:
        verbose_name = "thời hạn lưu trữ"
        verbose_name_plural = "thời hạn lưu trữ"
        ordering = ["kind"]

    def __str__(self):
        return f"{self.label}: {self.years} năm"
