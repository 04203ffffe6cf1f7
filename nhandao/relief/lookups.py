"""Relief records as a user may reach them: one place for the pages, the API and the
importers, so that no entry point fetches by primary key without its scope.

Out of the user's reach → 404 (existence not revealed); within reach but beyond their role →
403. The scopes themselves are the models' `for_user()` (orgs/access.py underneath).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from nhandao.audit.models import LedgerAccount
from nhandao.campaigns.models import Campaign
from nhandao.orgs import access
from nhandao.relief.models import Allocation, DistributionLine, DistributionRound, LineImport


def get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy bản ghi.") from None


def _require(user, perm: str, org, message: str) -> None:
    if perm != "view" and not access.can(user, perm, org):
        raise PermissionDenied(message)


def relief_campaigns(user):
    """Campaigns the user organises (or co-organises) and campaigns whose money reached an
    organisation of theirs (a province spending the central Yagi appeal)."""
    own = Campaign.objects.for_user(user).values("pk")
    funded = LedgerAccount.objects.filter(
        access.reach_q(user, "view", via="organisation"), campaign__isnull=False
    ).values("campaign_id")
    return Campaign.objects.filter(Q(pk__in=own) | Q(pk__in=funded))


def campaign_for(user, pk) -> Campaign:
    return get_or_404(relief_campaigns(user), pk)


def allocations_for(user):
    return Allocation.objects.for_user(user)


def allocation_for(user, pk, queryset=None) -> Allocation:
    return get_or_404((Allocation.objects if queryset is None else queryset).for_user(user), pk)


def round_for(user, pk, perm: str = "view", queryset=None) -> DistributionRound:
    rnd = get_or_404(
        (DistributionRound.objects if queryset is None else queryset).for_user(user), pk
    )
    _require(user, perm, rnd.organisation, "Bạn không có quyền sửa đợt cấp phát này.")
    return rnd


def line_for(user, pk, perm: str = "edit") -> DistributionLine:
    line = get_or_404(DistributionLine.objects.for_user(user).select_related("organisation"), pk)
    _require(user, perm, line.organisation, "Bạn không có quyền xác nhận cấp phát của đợt này.")
    return line


def line_import_for(user, pk, *, with_content=False) -> LineImport:
    """An uploaded distribution list: only those who may edit its round see it (the file may
    hold citizen id numbers)."""
    qs = LineImport.objects.select_related("round__campaign", "organisation", "uploaded_by")
    if not with_content:
        qs = qs.defer("content")
    batch = get_or_404(qs.for_user(user), pk)
    _require(user, "edit", batch.organisation, "Bạn không có quyền nhập danh sách của đợt này.")
    return batch
