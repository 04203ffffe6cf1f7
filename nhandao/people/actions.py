"""Everything that changes an individual's record. Atomic and audited; callers checked
access (orgs/access.py, people/lookups.py) and validated input (people/forms.py)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nhandao.audit.actions import record, snapshot
from nhandao.lib.errors import Refused
from nhandao.lib.names import clean_full_name, clean_phone, digits_only
from nhandao.lib.text import search_key
from nhandao.people.models import Individual, IndividualStatus

FIELDS = [
    "organisation",
    "full_name",
    "sex",
    "birth_date",
    "phone",
    "email",
    "id_number",
    "commune",
    "address",
    "consent_contact",
    "consent_publish",
]


def _clean(fields: dict) -> dict:
    cleaned = dict(fields)
    if "full_name" in cleaned:
        cleaned["full_name"] = clean_full_name(cleaned["full_name"])
        if not cleaned["full_name"]:
            raise Refused("Cần nhập họ và tên.", field="full_name")
    if "phone" in cleaned:
        try:
            cleaned["phone"] = clean_phone(cleaned["phone"])
        except ValueError as error:
            raise Refused(str(error), field="phone") from None
    if "id_number" in cleaned:
        cleaned["id_number"] = digits_only(cleaned["id_number"])
        if cleaned["id_number"] and len(cleaned["id_number"]) not in (9, 12):
            raise Refused("Số CCCD phải có 12 chữ số (CMND cũ: 9).", field="id_number")
    return cleaned


def _stamp_consents(individual: Individual, before: dict | None) -> None:
    """A consent given or withdrawn keeps the moment it changed."""
    now = timezone.now()
    for name in ("consent_contact", "consent_publish"):
        if before is None or before.get(name) != getattr(individual, name):
            setattr(individual, f"{name}_at", now)


@transaction.atomic
def create_individual(actor, *, organisation, **fields) -> Individual:
    individual = Individual(organisation=organisation, **_clean(fields))
    if getattr(actor, "is_authenticated", False):
        individual.created_by = actor
    _stamp_consents(individual, None)
    individual.save()
    record(actor, "people.individual_create", individual, after=snapshot(individual, FIELDS))
    return individual


@transaction.atomic
def update_individual(actor, individual: Individual, **fields) -> Individual:
    individual = Individual.objects.select_for_update().get(pk=individual.pk)
    if individual.status != IndividualStatus.ACTIVE:
        raise Refused("Hồ sơ này đã được gộp vào hồ sơ khác: hãy sửa hồ sơ được giữ.")
    if individual.erased_at is not None:  # people/privacy.py: nothing personal comes back
        raise Refused("Dữ liệu của người này đã được xoá theo yêu cầu: hồ sơ không sửa được.")
    if individual.restricted_at is not None:
        for name in ("consent_contact", "consent_publish"):
            if fields.get(name) and not getattr(individual, name):
                raise Refused(
                    "Người này đã yêu cầu hạn chế xử lý dữ liệu: không ghi lại sự đồng ý.",
                    field=name,
                )
    before = snapshot(individual, FIELDS)
    for name, value in _clean(fields).items():
        setattr(individual, name, value)
    _stamp_consents(individual, before)
    individual.save()
    record(
        actor, "people.individual_update", individual, before=before,
        after=snapshot(individual, FIELDS),
    )  # fmt: skip
    return individual


def likely_same(*, full_name="", birth_date=None, phone="", id_number="", exclude=None):
    """Records that are probably the same person, strongest evidence first: the same CCCD;
    the same phone and name; the same name and birth date. (The registry's probabilistic
    linkage can be added per app where lists are large.)"""
    key = search_key(full_name)
    q = Q(pk__in=[])
    if id_number:
        q |= Q(id_number=digits_only(id_number))
    if phone and key:
        q |= Q(phone=phone, name_key=key)
    if birth_date and key:
        q |= Q(birth_date=birth_date, name_key=key)
    qs = Individual.objects.active().filter(q)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("pk")
