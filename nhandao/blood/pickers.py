"""The donor picker (`/tra-cuu/nguoi-hien`): donors within the user's reach, found by name
without accents, by code or by phone."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse_lazy

from nhandao.blood.models import Donor
from nhandao.lib import pickers
from nhandao.lib.widgets import Picker


def donor_hint(donor: Donor) -> str:
    hint = f"mã {donor.code} · nhóm máu {donor.blood_group} · {donor.donation_count} lần hiến"
    if donor.eligible_from:
        hint += f" · có thể hiến lại từ {donor.eligible_from:%d/%m/%Y}"
    return hint


def donor_picker() -> Picker:
    return Picker(
        url=reverse_lazy("pick_donors"), hint=donor_hint, placeholder="Gõ tên người hiến…"
    )


@login_required
def search_donors(request):
    donors = Donor.objects.for_user(request.user).active().select_related("individual")
    text = request.GET.get("q", "")
    donors = donors.search(text).order_by("individual__name_key", "code")
    return pickers.answer(
        (d.code, d.individual.full_name, donor_hint(d)) for d in donors[: pickers.RESULTS]
    )
