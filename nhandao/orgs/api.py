"""API of the map (public: it is public data) and of organisations (scoped by access.py)."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import Pagination
from nhandao.orgs import access, actions, forms
from nhandao.orgs.models import AdminUnit, Organisation

router = Router()


class UnitOut(Schema):
    id: int
    map: str
    level: str
    code: str
    name: str
    division_type: str
    province_code: str | None = Field(None, alias="province.code")
    province_name: str | None = Field(None, alias="province.name")
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None


class UnitConversionOut(Schema):
    unit: UnitOut
    new_units: list[UnitOut]
    old_units: list[UnitOut]
    split: bool


def _units():
    return AdminUnit.objects.select_related("province")


@router.get(
    "/units",
    response=list[UnitOut],
    auth=None,
    tags=["Bản đồ hành chính"],
    summary="Tìm đơn vị hành chính (không dấu cũng được)",
)
@paginate(Pagination)
def list_units(request, q: str = "", map: str = "", level: str = "", province_code: str = ""):
    units = _units().search(q)
    if map:
        units = units.filter(map=map)
    if level:
        units = units.filter(level=level)
    if province_code:
        units = units.filter(province__code=province_code.lstrip("0"))
    return units.order_by("map", "level", "name_key", "pk")


@router.get(
    "/units/convert",
    response=list[UnitOut],
    auth=None,
    tags=["Bản đồ hành chính"],
    summary="Đổi mã xã/tỉnh cũ (trước 01/07/2025) sang đơn vị mới",
)
def convert_old_code(request, old_code: str, level: str = "commune"):
    old = get_object_or_404(AdminUnit, map="2025-01", level=level, code=old_code.lstrip("0"))
    return list(old.new_units())


@router.get(
    "/units/{unit_id}",
    response=UnitConversionOut,
    auth=None,
    tags=["Bản đồ hành chính"],
    summary="Một đơn vị và chuyển đổi cũ ↔ mới",
)
def unit_detail(request, unit_id: int):
    unit = get_object_or_404(_units(), pk=unit_id)
    new_units = list(unit.new_units())
    return {
        "unit": unit,
        "new_units": new_units,
        "old_units": list(unit.old_units()),
        "split": len(new_units) > 1,
    }


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    status: str
    parent_id: int | None
    successor_id: int | None
    admin_unit_id: int | None
    valid_from: date | None
    valid_to: date | None


class OrgDetailOut(OrgOut):
    parent: OrgOut | None
    successor: OrgOut | None
    children: list[OrgOut]
    predecessors: list[OrgOut]


@router.get(
    "/orgs", response=list[OrgOut], tags=["Tổ chức"], summary="Tổ chức trong phạm vi của bạn"
)
@paginate(Pagination)
def list_orgs(request, q: str = "", kind: str = "", status: str = ""):
    orgs = Organisation.objects.for_user(request.auth).search(q)
    if kind:
        orgs = orgs.filter(kind=kind)
    if status:
        orgs = orgs.filter(status=status)
    return orgs.order_by("path")


@router.get("/orgs/{org_id}", response=OrgDetailOut, tags=["Tổ chức"])
def org_detail(request, org_id: int):
    org = access.get_org(request.auth, org_id)
    return {
        **OrgOut.from_orm(org).dict(),
        "parent": org.parent,
        "successor": org.successor,
        "children": list(org.children.filter(status="active").order_by("name_key")),
        "predecessors": list(org.predecessors.order_by("name_key")),
    }


@router.get(
    "/orgs/{org_id}/subtree",
    response=list[OrgOut],
    tags=["Tổ chức"],
    summary="Tổ chức và toàn bộ cấp dưới",
)
@paginate(Pagination)
def org_subtree(request, org_id: int):
    org = access.get_org(request.auth, org_id)
    return Organisation.objects.subtree_of(org).order_by("path")


class OrgIn(Schema):
    parent: str | None = Field(None, description="mã tổ chức cấp trên")
    code: str
    name: str
    kind: str
    partner_type: str = ""
    level: str
    admin_unit_code: str = ""
    admin_map: str = "2025-07"
    valid_from: date | None = None


class NameIn(Schema):
    name: str


class MoveIn(Schema):
    new_parent: str = Field(description="mã tổ chức cấp trên mới")


class MergeIn(Schema):
    sources: list[str] = Field(description="mã các tổ chức được hợp nhất")
    on: date


class DissolveIn(Schema):
    successor: str = Field(description="mã tổ chức tiếp nhận")
    on: date


def _valid(form):
    if not form.is_valid():
        raise FormInvalid(form)
    return form.cleaned_data


@router.post("/orgs", response={201: OrgOut}, tags=["Tổ chức"], summary="Tạo tổ chức")
def create_org(request, payload: OrgIn):
    form = forms.OrganisationCreateForm(payload.dict(), actor=request.auth)
    _valid(form)
    return Status(201, actions.create_organisation(request.auth, **form.action_fields()))


@router.post("/orgs/{org_id}/rename", response=OrgOut, tags=["Tổ chức"])
def rename_org(request, org_id: int, payload: NameIn):
    org = access.get_org(request.auth, org_id, "manage_orgs")
    data = _valid(forms.RenameForm(payload.dict(), actor=request.auth))
    return actions.rename_organisation(request.auth, org, data["name"])


@router.post("/orgs/{org_id}/move", response=OrgOut, tags=["Tổ chức"])
def move_org(request, org_id: int, payload: MoveIn):
    org = access.get_org(request.auth, org_id, "manage_orgs")
    data = _valid(forms.MoveForm(payload.dict(), actor=request.auth, org=org))
    return actions.move_organisation(request.auth, org, data["new_parent"])


@router.post(
    "/orgs/{org_id}/merge",
    response=OrgOut,
    tags=["Tổ chức"],
    summary="Hợp nhất các tổ chức khác vào tổ chức này",
)
def merge_into_org(request, org_id: int, payload: MergeIn):
    org = access.get_org(request.auth, org_id, "manage_orgs")
    form = forms.MergeForm(
        {"sources": payload.sources, "into": org.code, "on": payload.on}, actor=request.auth
    )
    data = _valid(form)
    return actions.merge_organisations(request.auth, list(data["sources"]), org, data["on"])


@router.post("/orgs/{org_id}/dissolve", response=OrgOut, tags=["Tổ chức"])
def dissolve_org(request, org_id: int, payload: DissolveIn):
    org = access.get_org(request.auth, org_id, "manage_orgs")
    data = _valid(forms.DissolveForm(payload.dict(), actor=request.auth, org=org))
    return actions.dissolve_organisation(request.auth, org, data["successor"], data["on"])


class RoleIn(Schema):
    username: str
    organisation: str = Field(description="mã tổ chức")
    role: str


class RoleOut(Schema):
    id: int
    username: str = Field(alias="user.username")
    organisation_id: int
    role: str


@router.post("/roles", response={201: RoleOut}, tags=["Tổ chức"], summary="Trao vai trò")
def grant_role(request, payload: RoleIn):
    data = _valid(forms.GrantRoleForm(payload.dict(), actor=request.auth))
    role = actions.grant_role(request.auth, data["user"], data["organisation"], data["role"])
    return Status(201, role)
