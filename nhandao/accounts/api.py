from ninja import Router, Schema

from nhandao.orgs import access

router = Router(tags=["Tài khoản"])


class RoleOut(Schema):
    organisation_id: int
    organisation_code: str
    organisation_name: str
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="Người dùng hiện tại và vai trò")
def me(request):
    user = request.auth
    roles = [
        RoleOut(
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
