"""Relief records as a user may reach them: one place for the pages, the API and the
importers, so that no entry point fetches by primary key without its scope.

Out of the user's reach → 404 (existence not revealed); within reach but beyond their role →
403. The scopes are the models' `for_user()` and orgs/access.py; nothing here is a rule of
its own.
"""

from django.db.models import Q
from django.http import Http404

from nhandao.audit.models import LedgerAccount
from nhandao.campaigns.models import Campaign
from nhandao.orgs import access
from nhandao.relief.models import (
    Allocation,
    DistributionLine,
    DistributionRound,
    Incident,
    Item,
    LineImport,
    Warehouse,
)


def relief_campaigns(user):
    """Campaigns the user organises (or co-organises) and campaigns whose money reached an
    organisation of theirs (a province spending the central Yagi appeal)."""
    own = Campaign.objects.for_user(user).values("pk")
    funded = LedgerAccount.objects.filter(
        access.reach_q(user, "view", via="organisation"), campaign__isnull=False
    ).values("campaign_id")
    return Campaign.objects.filter(Q(pk__in=own) | Q(pk__in=funded))


def get_relief_campaign(user, pk) -> Campaign:
    return access.get_within(relief_campaigns(user), pk, "Không tìm thấy chiến dịch.")


def get_allocation(user, pk, queryset=None, *, read_only: bool = False):
    """An allocation out of, or into, an organisation in the user's reach; deciding on it is
    checked by the action (who proposed, who approves). `read_only` (its page): a
    supervising body's live grant over the paying organisation opens it too, for the
    grant's period and subject, each read logged (issue #21, decision 0019)."""
    allocations = queryset if queryset is not None else Allocation.objects.all()
    try:
        return access.get_within(allocations.for_user(user), pk)
    except Http404:
        if not read_only:
            raise
    return access.get_for_user(allocations, user, pk, supervised=("allocation", "decision_date"))


def _require(user, perm: str, org, message: str) -> None:
    if perm != "view":  # the scope already holds only records the user may view
        access.require(user, perm, org, message)


def get_round(user, pk, perm: str = "view", queryset=None) -> DistributionRound:
    rounds = (queryset if queryset is not None else DistributionRound.objects).for_user(user)
    rnd = access.get_within(rounds, pk)
    _require(user, perm, rnd.organisation, "Bạn không có quyền sửa đợt cấp phát này.")
    return rnd


def get_line(user, pk, perm: str = "edit") -> DistributionLine:
    lines = DistributionLine.objects.for_user(user).select_related("organisation")
    line = access.get_within(lines, pk)
    _require(user, perm, line.organisation, "Bạn không có quyền xác nhận cấp phát của đợt này.")
    return line


def get_line_import(user, pk) -> LineImport:
    """An uploaded distribution list: only those who may edit its round see it (the file may
    hold citizen id numbers)."""
    qs = LineImport.objects.select_related("round__campaign", "organisation", "uploaded_by")
    batch = access.get_within(qs.for_user(user), pk)
    _require(user, "edit", batch.organisation, "Bạn không có quyền nhập danh sách của đợt này.")
    return batch


def get_warehouse(user, pk) -> Warehouse:
    warehouses = Warehouse.objects.for_user(user).select_related("organisation")
    return access.get_within(warehouses, pk, "Không tìm thấy kho.")


def get_incident(user, pk) -> Incident:
    """A disaster is shared knowledge of the whole network (every level links its allocations
    and rounds to it), like the map: any member sees it (403 for users without any role);
    changing it needs "edit" at the organisation that recorded it."""
    access.require_anywhere(user, "view")
    incidents = Incident.objects.select_related("organisation")
    return access.get_within(incidents, pk, "Không tìm thấy sự cố.")


def get_item(pk) -> Item:
    """A kind of goods: reference data shared by every organisation."""
    return access.get_within(Item.objects.all(), pk, "Không tìm thấy mặt hàng.")
