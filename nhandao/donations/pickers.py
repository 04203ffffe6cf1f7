"""Picker over in-kind donations (goods received into a warehouse name the donation they
came from): `/tra-cuu/khoan-hien-vat`, scoped to the donations the user handles ("money")."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q

from nhandao.donations.models import Channel, Donation
from nhandao.lib import pickers


def in_kind(user):
    return (
        Donation.objects.for_user(user, "money")
        .filter(channel=Channel.IN_KIND)
        .select_related("donor")
        .order_by("-received_on", "-pk")
    )


def donation_label(donation: Donation) -> str:
    donor = str(donation.donor) if donation.donor_id else "Ẩn danh"
    goods = donation.goods_item or ""
    return f"{goods} — {donor}, {donation.received_on:%d/%m/%Y}".strip(" —")


@login_required
def search_in_kind(request):
    found = in_kind(request.user)
    for term in pickers.terms(request):
        found = found.filter(Q(goods_item__icontains=term) | Q(donor__name_key__contains=term))
    return pickers.answer((d.pk, donation_label(d), str(d)) for d in found[: pickers.RESULTS])
