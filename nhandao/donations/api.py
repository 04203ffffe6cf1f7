"""API of donors, donations, bank statements (upload and status) and receipt verification.
A campaign's detail with what it received is relief's (relief.api: relief.figures)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nhandao.donations import actions, forms, lookups, receipts
from nhandao.donations.models import Donation, Donor
from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import MAX_ID, Pagination

router = Router(tags=["Tiếp nhận ủng hộ"])


class DonorOut(Schema):
    id: int
    organisation_id: int
    kind: str
    name: str
    account_no: str
    phone: str
    consent_publish: bool


class DonorIn(Schema):
    organisation: str
    kind: str = "individual"
    name: str
    account_no: str = ""
    phone: str = ""
    code: str = ""
    email: str = ""
    address: str = ""
    consent_publish: bool = False


class DonationOut(Schema):
    id: int
    organisation_id: int
    campaign_id: int | None
    donor_id: int | None
    donor_name: str
    channel: str
    received_on: date
    amount: int
    goods_item: str
    goods_quantity: Decimal | None
    goods_unit: str
    earmark_kind: str
    earmark_ref: str
    statement_line_id: int | None
    ledger_entry_id: int
    reversed_at: datetime | None


class DonationIn(Schema):
    channel: str = "cash"
    organisation: str
    campaign: str = ""
    received_on: date
    amount: int | None = None
    goods_item: str = ""
    goods_quantity: Decimal | None = None
    goods_unit: str = ""
    goods_valuation: int | None = None
    donor_kind: str = "individual"
    donor_name: str = ""
    donor_phone: str = ""
    donor_code: str = ""
    donor_address: str = ""
    consent_publish: bool = False
    earmark_kind: str = ""
    earmark_ref: str = ""
    earmark_household: int | None = None  # a registry household's id (within reach)
    earmark_person: int | None = None  # a registry person's id (within reach)
    earmark_purpose: int | None = None  # an id from the list of purposes
    earmark_unit: str | None = None  # a commune's or province's code on the current map
    earmark_incident: int | None = None  # an incident's id (recorded within reach)
    note: str = ""


class StatementOut(Schema):  # the import record's fields (lib.imports), then a statement's
    id: int
    bank_account_id: int
    file_name: str
    checksum: str
    uploaded_at: datetime
    status: str
    status_label: str
    moves: list[str]  # the pipeline's moves from here that a user may ask for
    rows_read: int
    rows_accepted: int
    rows_duplicate: int
    rows_rejected: int
    errors: list[dict]
    layout: str
    progress: int
    credit_lines: int
    debit_lines: int
    credits_total: int
    debits_total: int
    opening_balance: int | None
    closing_balance: int | None
    matched: int
    unmatched: int
    balance_breaks: list

    @staticmethod
    def resolve_moves(statement) -> list[str]:
        return [move.target for move in statement.allowed_moves()]


class VerifyOut(Schema):
    genuine: bool
    message: str
    number: str | None = None
    amount: int | None = None
    date: str | None = None
    campaign: str | None = None
    organisation: str | None = None


@router.get("/donors", response=list[DonorOut])
@paginate(Pagination)
def list_donors(request, q: str = ""):
    donors = Donor.objects.for_user(request.auth)
    return (donors.search(q) if q else donors).order_by("name_key", "pk")


@router.post("/donors", response={201: DonorOut}, summary="Thêm (hoặc tìm lại) nhà hảo tâm")
def create_donor(request, payload: DonorIn):
    form = forms.DonorForm(payload.dict(), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    data = form.cleaned_data
    return Status(201, actions.find_or_create_donor(request.auth, data.pop("organisation"), **data))


@router.get("/donations", response=list[DonationOut])
@paginate(Pagination)
def list_donations(request, campaign: str = "", channel: str = ""):
    donations = Donation.objects.for_user(request.auth)
    if campaign:
        donations = donations.filter(campaign__code=campaign.upper())
    if channel:
        donations = donations.filter(channel=channel)
    return donations.order_by("-received_on", "-pk")


class ReviewLineOut(Schema):
    """A line an import set aside for an officer's check (models.ReviewLine): as read, with
    its page of the PDF; `corrected_*` once an officer has read it."""

    id: int
    statement_id: int
    bank_account_id: int
    row_no: int
    page: int | None
    position: float | None
    values: dict
    reason: str
    status: str
    status_label: str
    corrected_on: date | None
    corrected_amount: int | None
    corrected_direction: str
    note: str

    @staticmethod
    def resolve_status_label(line) -> str:
        return line.get_status_display()


@router.get(
    "/donations/review-lines",
    response=list[ReviewLineOut],
    summary="Dòng sao kê chờ kiểm tra (của một sao kê: statement=…; status=open|corrected)",
)
@paginate(Pagination)
def list_review_lines(
    request,
    statement: int | None = Query(None, ge=1, le=MAX_ID),
    status: str = Query("", pattern="^(open|corrected)?$"),
):
    return lookups.review_lines(request.auth, statement, status)


@router.get("/donations/{donation_id}", response=DonationOut)
def donation_detail(request, donation_id: int):
    return lookups.get_donation(request.auth, donation_id)


@router.post(
    "/donations",
    response={201: DonationOut},
    summary="Ghi nhận ủng hộ tiền mặt (channel=cash) hoặc hiện vật (channel=in_kind)",
)
def create_donation(request, payload: DonationIn):
    data = payload.dict()
    channel = data.pop("channel")
    if channel not in ("cash", "in_kind"):
        data["channel"] = channel
        form = forms.DonationForm(data, actor=request.auth, channel="cash")
        form.is_valid()
        form.add_error(
            None,
            "Chỉ ghi nhận trực tiếp tiền mặt (cash) hoặc hiện vật (in_kind); "
            "chuyển khoản đến từ sao kê.",
        )
        raise FormInvalid(form)
    form = forms.DonationForm(data, actor=request.auth, channel=channel)
    if not form.is_valid():
        raise FormInvalid(form)
    donation = actions.record_entered_donation(request.auth, channel, form.cleaned_data)
    return Status(201, donation)


@router.post(
    "/bank-accounts/{account_id}/statements",
    response={201: StatementOut, 200: StatementOut},
    summary="Tải lên sao kê (CSV/XLSX); nhập ở nền, xem tiến độ ở /statements/{id} "
    "(cùng một tệp lần nữa: 200, sao kê đã có)",
)
def upload_statement(
    request,
    account_id: int,
    file: File[UploadedFile],
    layout: Form[str] = "auto",
    campaign: Form[str] = "",
    number_format: Form[str] = "auto",
):
    account = lookups.get_bank_account(request.auth, account_id, "money")
    form = forms.StatementUploadForm(
        {"layout": layout, "campaign": campaign, "number_format": number_format},
        {"file": file},
        actor=request.auth,
    )
    if not form.is_valid():
        raise FormInvalid(form)
    statement = actions.upload_statement(
        request.auth, account, preview_first=False, **form.action_fields()
    )
    return Status(200 if statement.repeated else 201, statement)


@router.get("/statements/{statement_id}", response=StatementOut, summary="Tình trạng, đối soát")
def statement_status(request, statement_id: int):
    return lookups.get_statement(request.auth, statement_id)


@router.get(
    "/receipts/verify/{code}",
    response=VerifyOut,
    auth=None,
    summary="Kiểm tra biên nhận (công khai)",
)
def verify_receipt(request, code: str, p: str | None = None, s: str | None = None):
    verdict = receipts.verify(code, p, s)
    out = {"genuine": verdict.genuine, "message": verdict.message}
    if verdict.genuine:
        data = verdict.data
        out.update(
            number=data["n"],
            amount=data["a"],
            date=data["d"],
            campaign=data["m"],
            organisation=verdict.receipt.organisation.name,
        )
    return out
