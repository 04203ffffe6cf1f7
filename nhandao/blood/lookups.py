"""Blood records as a user may reach them (pages, API and exports share these): 404 outside
reach, 403 without the permission at the owning organisation (orgs/access.py). Phones,
emails and birth dates of donors need "sensitive", and each read is logged."""

from nhandao.audit.actions import record
from nhandao.blood.models import (
    BloodImport,
    Donor,
    DonorFamily,
    Drive,
    FamilyHonour,
    Honour,
    Registration,
)
from nhandao.orgs import access


def get_drive(user, pk, perm: str = "view") -> Drive:
    drives = Drive.objects.select_related("organisation", "commune", "commune__province")
    return access.get_for_user(drives, user, pk, perm)


def get_donor(user, pk, perm: str = "view") -> Donor:
    donors = Donor.objects.select_related("individual", "organisation")
    return access.get_for_user(donors, user, pk, perm)


def get_registration(user, pk, perm: str = "view") -> Registration:
    registrations = Registration.objects.select_related("drive", "donor__individual")
    return access.get_for_user(registrations, user, pk, perm, via="drive__organisation")


def get_honour(user, pk, perm: str = "view") -> Honour:
    honours = Honour.objects.select_related("donor__individual", "threshold", "organisation")
    return access.get_for_user(honours, user, pk, perm)


def get_family(user, pk, perm: str = "view") -> DonorFamily:
    families = DonorFamily.objects.select_related("organisation", "province")
    return access.get_for_user(families, user, pk, perm)


def get_family_honour(user, pk, perm: str = "view") -> FamilyHonour:
    honours = FamilyHonour.objects.select_related("family", "threshold", "organisation")
    return access.get_for_user(honours, user, pk, perm)


def get_import(user, pk, perm: str = "view") -> BloodImport:
    imports = BloodImport.objects.select_related("organisation", "uploaded_by", "drive")
    return access.get_for_user(imports, user, pk, perm)


def may_read_sensitive(user, donor: Donor) -> bool:
    return access.can(user, "sensitive", donor.organisation)


def log_sensitive_read(user, donors, channel: str) -> None:
    """Each read of donors' contacts and birth dates is in the audit log."""
    for donor in donors:
        record(user, "blood.sensitive_read", donor,
               after={"fields": ["phone", "email", "birth_date"], "channel": channel})  # fmt: skip
