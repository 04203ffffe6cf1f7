"""The volunteer picker (`/tra-cuu/tinh-nguyen-vien?to-chuc=<id>`): volunteers of one
organisation the user may edit, found by name without accents or by their record's code."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from nhandao.lib import pickers
from nhandao.lib.widgets import Picker
from nhandao.orgs import access
from nhandao.people.models import Individual


def volunteer_hint(individual: Individual) -> str:
    born = f" · sinh {individual.birth_date:%d/%m/%Y}" if individual.birth_date else ""
    return f"mã {individual.code}{born}"


def volunteer_picker(organisation_id: int | None) -> Picker:
    url = reverse_lazy("pick_volunteers")
    if organisation_id is not None:
        url = format_lazy("{}?to-chuc={}", url, organisation_id)
    return Picker(url=url, hint=volunteer_hint, placeholder="Gõ tên tình nguyện viên…")


def volunteers_of(user, organisation_id):
    """The people who volunteer at the organisation, if the user may edit there."""
    people = Individual.objects.filter(
        access.reach_q(user, "edit", via="volunteer__organisation"),
        volunteer__organisation_id=organisation_id,
    )
    return people.select_related("volunteer").order_by("name_key", "pk")


@login_required
def search_volunteers(request):
    try:
        organisation_id = int(request.GET.get("to-chuc", ""))
    except ValueError:
        return pickers.answer([])
    people = volunteers_of(request.user, organisation_id)
    people = people.search(request.GET.get("q", ""))
    return pickers.answer(
        (p.code, p.full_name, volunteer_hint(p)) for p in people[: pickers.RESULTS]
    )


def individual_picker() -> Picker:
    return Picker(url=reverse_lazy("pick_individuals"), hint=volunteer_hint,
                  placeholder="Gõ họ tên…")  # fmt: skip


def individuals_for(user):
    """The person records the user may see (active ones), for choosing someone by name."""
    return Individual.objects.for_user(user).active().order_by("name_key", "pk")


@login_required
def search_individuals(request):
    people = individuals_for(request.user).search(request.GET.get("q", ""))
    return pickers.answer(
        (p.code, p.full_name, volunteer_hint(p)) for p in people[: pickers.RESULTS]
    )
