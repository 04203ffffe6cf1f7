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

from nhandao.lib.names import split_name
from nhandao.lib.text import nfc, search_key
from nhandao.orgs.models import AdminUnit, Organisation


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
