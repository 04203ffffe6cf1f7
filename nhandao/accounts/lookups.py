"""Scoped getters of accounts: the API tokens a user may see and revoke — their own, and,
for an org admin (manage_users), those of the users holding a role within their reach."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from nhandao.accounts.models import ApiToken
from nhandao.orgs import access
from nhandao.orgs.models import Organisation


def managed_tokens(user):
    """Tokens of other users whose roles lie within the user's manage_users reach."""
    if not access.can_anywhere(user, "manage_users"):
        return ApiToken.objects.none()
    orgs = Organisation.objects.filter(access.reach_q(user, "manage_users"))
    return ApiToken.objects.filter(user__roles__organisation__in=orgs).exclude(user=user).distinct()


def get_token(user, pk: int) -> ApiToken:
    """The token if it is the user's own or one they manage; 404 otherwise."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(Q(user=user) | Q(pk__in=managed_tokens(user).values("pk")), pk=pk)
        .first()
    )
    if token is None:
        raise Http404("Không có khóa API này.")
    if not user.is_active:
        raise PermissionDenied
    return token
