"""Pickers of relief forms: the campaigns whose money the user may spend
(`/tra-cuu/chien-dich-cuu-tro`, lookups.relief_campaigns) and in-kind donations by label."""

from django.contrib.auth.decorators import login_required

from nhandao.campaigns import pickers as campaign_pickers
from nhandao.relief.lookups import relief_campaigns


@login_required
def search_relief_campaigns(request):
    return campaign_pickers.search(relief_campaigns(request.user), request)
