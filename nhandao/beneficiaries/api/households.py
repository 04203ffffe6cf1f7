"""Households: one household and its changes (address, managing organisation, poverty)."""

from datetime import date

from ninja import Router, Schema

from nhandao.beneficiaries import actions, forms, lookups, privacy
from nhandao.beneficiaries.api.persons import PURPOSE
from nhandao.lib.api import ErrorOut, FormInvalid
from nhandao.orgs import access

router = Router()


class PovertyOut(Schema):
    year: int
    status: str
    certified_by: str
    certificate_no: str
    certified_on: date | None


class MemberOut(Schema):
    id: int
    full_name: str
    relationship: str | None = None


class HouseholdOut(Schema):
    id: int
    organisation_id: int
    commune_id: int | None
    visibility: str
    village: str | None = None
    address: str | None = None
    head_id: int | None = None
    members: list[MemberOut]
    poverty: list[PovertyOut] | None = None


@router.get(
    "/households/{household_id}",
    response={200: HouseholdOut, 422: ErrorOut},
    summary="Một hộ gia đình",
)
def household_detail(request, household_id: int, purpose: str = PURPOSE):
    household, full = lookups.get_household(request.auth, household_id)
    why = None
    if access.can(request.auth, "sensitive", household.organisation):
        why = privacy.require_api_purpose(request)  # the poverty status is in the answer
    return household_out(request.auth, household, full, why)


def household_out(user, household, full: bool, purpose=None) -> dict:
    """The household; its poverty status (sensitive) only with a stated purpose."""
    members = household.members.filter(status="active").order_by("pk")
    data = {
        "id": household.pk,
        "organisation_id": household.organisation_id,
        "commune_id": household.commune_id,
        "visibility": lookups.FULL if full else lookups.AREA,
        "members": [
            {"id": m.pk, "full_name": m.full_name, "relationship": m.relationship if full else None}
            for m in members
        ],
    }
    if full:
        data.update(village=household.village, address=household.address,
                    head_id=household.head_id)  # fmt: skip
    if purpose is not None and access.can(user, "sensitive", household.organisation):
        data["poverty"] = list(household.poverty_statuses.all())
        actions.log_household_read(user, household, "api", purpose)
    return data


class PovertyIn(Schema):
    year: int
    status: str
    certified_by: str = ""
    certificate_no: str = ""
    certified_on: date | None = None


class HouseholdPatch(Schema):
    """Only the fields sent change. `poverty` sets the status of one year and needs the
    "sensitive" permission."""

    organisation: str | None = None
    commune_code: str | None = None
    commune_map: str | None = None
    village: str | None = None
    address: str | None = None
    poverty: PovertyIn | None = None


class HouseholdUpdatedOut(Schema):
    household: HouseholdOut
    changed: list[str]
    warnings: list[str]


@router.patch(
    "/households/{household_id}",
    response=HouseholdUpdatedOut,
    summary="Sửa địa chỉ, tổ chức quản lý hoặc diện nghèo của một hộ",
)
def update_household(request, household_id: int, payload: HouseholdPatch, purpose: str = PURPOSE):
    household = lookups.get_household_to_edit(request.auth, household_id)
    changes = payload.dict(exclude_unset=True)
    poverty = changes.pop("poverty", None)
    if poverty is not None:
        access.require(request.auth, "sensitive", household.organisation)
    form = forms.HouseholdForm.for_update(household, changes, actor=request.auth)
    poverty_form = forms.PovertyForm(poverty) if poverty is not None else None
    error = FormInvalid(form)  # both forms checked before anything is written
    if poverty_form is not None:
        error.errors.update(
            {f"poverty.{k}": v for k, v in FormInvalid(poverty_form).errors.items()}
        )
    if error.errors:
        raise error
    changed = actions.update_household(
        request.auth,
        household,
        poverty=poverty_form.cleaned_data if poverty_form is not None else None,
        **form.action_fields(),
    )
    household, full = lookups.get_household(request.auth, household_id)
    return {
        "household": household_out(request.auth, household, full, privacy.api_purpose(request)),
        "changed": changed,
        "warnings": form.warnings,
    }
