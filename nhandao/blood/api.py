"""API of blood donation (`/api/blood/…`, scoped by blood/lookups.py): drives, a drive's
result sheet entered line by line (the page's form), a donor's history and next likely date,
a family of donors.
Contacts are never in these answers."""

from datetime import datetime

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nhandao.blood import actions, drive_imports, forms
from nhandao.blood.lookups import get_donor, get_drive, get_family
from nhandao.blood.models import Drive, ImportPurpose
from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import Pagination

router = Router(tags=["Hiến máu"])


class DriveRow(Schema):
    id: int
    code: str
    name: str
    organisation_id: int
    held_on: str
    status: str
    target_units: int

    @staticmethod
    def resolve_held_on(drive):
        return drive.held_on.isoformat()


class ResultIn(Schema):
    donor: str  # the donor's code
    kind: str = "whole"
    volume_ml: int = 350
    weight_kg: int | None = None
    confirm_early: bool = False


def _drive_json(drive: Drive) -> dict:
    return {
        "id": drive.pk,
        "code": drive.code,
        "name": drive.name,
        "status": drive.status,
        "held_on": drive.held_on.isoformat(),
        "registrations": drive.registrations.count(),
        "donations": [
            {
                "donor": d.donor.code,
                "kind": d.kind,
                "volume_ml": d.volume_ml,
                "unregistered": d.unregistered,
                "early": d.early,
                "confirmed": d.confirmed_at is not None,
            }  # fmt: skip
            for d in drive.donations.select_related("donor")
        ],
    }


@router.get("/blood/drives", response=list[DriveRow], summary="Đợt hiến máu trong phạm vi")
@paginate(Pagination)
def list_drives(request, status: str = Query("", max_length=10)):
    drives = Drive.objects.for_user(request.auth)
    if status:
        drives = drives.filter(status=status)
    return drives.order_by("-held_on", "code")


@router.get("/blood/drives/{drive_id}", response=dict, summary="Một đợt hiến máu và kết quả")
def drive_detail(request, drive_id: int):
    return _drive_json(get_drive(request.auth, drive_id))


@router.post("/blood/drives/{drive_id}/results", response={201: dict},
             summary="Ghi kết quả một người hiến của đợt")  # fmt: skip
def drive_result(request, drive_id: int, payload: ResultIn):
    drive = get_drive(request.auth, drive_id, "edit")
    form = forms.ResultForm(payload.dict(), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    data = form.cleaned_data
    donation = actions.record_result(
        request.auth, drive, data["donor"], kind=data["kind"], volume_ml=data["volume_ml"],
        weight_kg=data["weight_kg"], confirm_early=data["confirm_early"],
    )  # fmt: skip
    donor = donation.donor
    donor.refresh_from_db()
    return Status(201, {"donor": donor.code, "donations": donor.donation_count,
                 "eligible_from": donor.eligible_from.isoformat() if donor.eligible_from else None,
                 "unregistered": donation.unregistered, "early": donation.early})  # fmt: skip


@router.get("/blood/donors/{donor_id}", response=dict, summary="Lịch sử và ngày có thể hiến lại")
def donor_detail(request, donor_id: int):
    donor = get_donor(request.auth, donor_id)
    return {
        "code": donor.code,
        "full_name": donor.individual.full_name,
        "blood_group": donor.blood_group,
        "donations": donor.donation_count,
        "last_donation": donor.last_donation_on.isoformat() if donor.last_donation_on else None,
        "last_type": donor.last_kind,
        "eligible_from": donor.eligible_from.isoformat() if donor.eligible_from else None,
        "history": [
            {"date": d.donated_on.isoformat(), "kind": d.kind, "volume_ml": d.volume_ml}
            for d in donor.donations.all()
        ],
    }


@router.get("/blood/families/{family_id}", response=dict,
            summary="Một gia đình hiến máu: thành viên, tổng số lần hiến, vinh danh")  # fmt: skip
def family_detail(request, family_id: int):
    family = get_family(request.auth, family_id)
    members = list(family.members.order_by("code"))
    return {
        "id": family.pk,
        "name": family.name,
        "organisation_id": family.organisation_id,
        "province": family.province.code,
        "donations": sum(m.donation_count for m in members),
        "members": [{"donor": m.code, "donations": m.donation_count} for m in members],
        "honours": [
            {"band": h.donations, "year": h.year, "occasion": h.occasion, "status": h.status}
            for h in family.honours.all()
        ],
    }


class BloodImportError(Schema):  # lib.imports.row_error
    row: int
    column: str
    value: str
    reason: str


class BloodImportOut(Schema):  # the import record (lib.imports) of a drive's list
    id: int
    drive_id: int
    purpose: str
    file_name: str
    checksum: str
    uploaded_at: datetime
    status: str
    status_label: str
    rows_read: int
    rows_accepted: int
    rows_duplicate: int
    errors: list[BloodImportError]
    detail: str = ""


def _drive_import(request, drive_id: int, purpose: str, file: UploadedFile):
    """Through the drive page's own frame (blood/drive_imports.run): 201 imported, 200 the
    very same file answered by its earlier import, 422 refused with every refused row."""
    drive = get_drive(request.auth, drive_id, "edit")
    form = forms.DriveImportForm({}, {"file": file}, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    imp = drive_imports.run(request.auth, drive, purpose, file.name, file.read())
    out = {name: getattr(imp, name) for name in BloodImportOut.model_fields if name != "detail"}
    out["status_label"] = imp.status_label
    if imp.repeated:
        return Status(200, out | {"detail": imp.repeat_message()})
    return Status(201 if imp.is_done else 422, out)


@router.post(
    "/blood/drives/{drive_id}/imports/registrations",
    response={201: BloodImportOut, 200: BloodImportOut, 422: BloodImportOut},
    summary="Nhập danh sách đăng ký của đợt (Excel/CSV; tất cả hoặc không dòng nào)",
)
def import_registrations(request, drive_id: int, file: File[UploadedFile]):
    return _drive_import(request, drive_id, ImportPurpose.REGISTRATIONS, file)


@router.post(
    "/blood/drives/{drive_id}/imports/results",
    response={201: BloodImportOut, 200: BloodImportOut, 422: BloodImportOut},
    summary="Nhập bảng kết quả của đợt (Excel/CSV; tất cả hoặc không dòng nào)",
)
def import_results(request, drive_id: int, file: File[UploadedFile]):
    return _drive_import(request, drive_id, ImportPurpose.RESULTS, file)
