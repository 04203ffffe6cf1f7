"""Pickers over the registry: persons, households and sponsors in the user's reach ("edit",
as the forms accept them), searched by folded name; the endpoints `/tra-cuu/nguoi`,
`/tra-cuu/ho`, `/tra-cuu/nha-do-dau`; and `/tra-cuu/nguoi-yeu-cau`, the persons a data
request filed on the public page may be linked to."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.urls import reverse_lazy

from nhandao.beneficiaries.models import Household, Person, Sponsor
from nhandao.lib import pickers
from nhandao.lib.widgets import Picker


def _place(record) -> str:
    parts = [record.village, record.commune.name if record.commune_id else ""]
    return ", ".join(p for p in parts if p)


def person_label(person: Person) -> str:
    year = f" ({person.birth_year})" if person.birth_year else ""
    return f"{person.full_name}{year}"


def household_label(household: Household) -> str:
    return str(household)


def persons(user):
    return Person.objects.for_user(user, "edit").active().select_related("commune")


def households(user):
    return Household.objects.for_user(user, "edit").select_related("head", "commune")


def sponsors(user):
    return Sponsor.objects.for_user(user)


def id_picker(url_name: str, placeholder: str) -> Picker:
    return Picker(url=reverse_lazy(url_name), placeholder=placeholder)


def labels_from(queryset, label) -> callable:
    """value → label of a record in `queryset` (None when out of reach: not shown)."""

    def lookup(value):
        try:
            record = queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None
        return label(record) if record is not None else None

    return lookup


def attach(field, queryset, label, preferred_count: int = 50) -> None:
    """An id field's picker: the chosen record's label, the first records of `queryset`."""
    field.widget.labels = labels_from(queryset, label)
    field.widget.preferred = [(r.pk, label(r)) for r in queryset[:preferred_count]]


@login_required
def search_persons(request):
    found = persons(request.user)
    for term in pickers.terms(request):
        found = found.filter(name_key__contains=term)
    found = found.order_by("name_key")
    return pickers.answer((p.pk, person_label(p), _place(p)) for p in found[: pickers.RESULTS])


def request_subjects(user):
    """Whom a filed data request may be about: the persons of the user's "sensitive" reach not
    yet erased — restricted ones included (they leave every other list and search, but a
    person who restricted their data may later ask to see or erase it)."""
    return Person.objects.for_user(user, "sensitive").filter(erased_at=None)


@login_required
def search_request_subjects(request):
    found = request_subjects(request.user).select_related("commune")
    for term in pickers.terms(request):
        found = found.filter(name_key__contains=term)
    found = found.order_by("name_key", "pk")
    return pickers.answer(
        (p.pk, person_label(p) + (" · hạn chế xử lý" if p.restricted_at else ""), _place(p))
        for p in found[: pickers.RESULTS]
    )


@login_required
def search_households(request):
    found = households(request.user)
    for term in pickers.terms(request):
        found = found.filter(Q(head__name_key__contains=term) | Q(village_key__contains=term))
    found = found.order_by("head__name_key")
    return pickers.answer((h.pk, household_label(h), _place(h)) for h in found[: pickers.RESULTS])


@login_required
def search_sponsors(request):
    found = sponsors(request.user)
    for term in pickers.terms(request):
        found = found.filter(name_key__contains=term)
    return pickers.answer((s.pk, s.name, s.contact) for s in found[: pickers.RESULTS])
