"""API of accounts: who is calling (the bearer token, used by every router) and /me."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer

from nhandao.accounts.models import ApiToken, TokenScope, hash_token
from nhandao.orgs import access

router = Router(tags=["Tài khoản"])
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer nd_…`: an active user's unexpired, unrevoked API token (its last
    use is recorded). A read token is refused (403) on anything but GET/HEAD/OPTIONS."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        if found.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise PermissionDenied("Khóa API này chỉ được đọc.")
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class MyRoleOut(Schema):
    organisation_id: int
    organisation_code: str
    organisation_name: str
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    roles: list[MyRoleOut]


@router.get("/me", response=MeOut, summary="Người dùng hiện tại và vai trò")
def me(request):
    user = request.auth
    roles = [
        MyRoleOut(
            organisation_id=r.organisation_id,
            organisation_code=r.organisation.code,
            organisation_name=r.organisation.name,
            role=r.role,
        )
        for r in user.roles.select_related("organisation")
    ]
    access.forget(user)
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        is_superuser=user.is_superuser,
        roles=roles,
    )
