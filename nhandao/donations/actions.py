"""Everything that changes donors, donations and bank accounts. Atomic and audited; each
donation posts its ledger entry in the same transaction. Statement imports live in
donations/importers.py (set-based), receipts in donations/receipts.py."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record, snapshot
from nhandao.donations import receipts
from nhandao.donations.models import (
    BankAccount,
    Channel,
    Donation,
    DonationRefused,
    DonationTotal,
    Donor,
    DonorKind,
    Statement,
    StatementStatus,
    identity_key,
)
from nhandao.lib.tasks import enqueue_on_commit, run_here
from nhandao.lib.text import nfc, search_key
from nhandao.orgs import access

DONATION_FIELDS = [
    "organisation",
    "campaign",
    "donor",
    "donor_name",
    "channel",
    "received_on",
    "amount",
    "goods_item",
    "goods_quantity",
    "goods_unit",
    "earmark_kind",
    "earmark_ref",
    "note",
]


def earmark_key(kind: str, ref: str) -> tuple[str, str]:
    """(ledger earmark key, label) of a donation's earmark typed as text."""
    if not kind:
        return "", ""
    ref = nfc(ref)
    return f"{kind}:{search_key(ref)}"[:160], ref[:255]


def structured_earmark(actor, *, unit=None, household=None, person=None, purpose=None,
                       incident=None) -> tuple[str, str, str]:  # fmt: skip
    """(kind, ledger key, label) of an earmark chosen from the data (decision 0026): a unit
    on either map, a household or person of the registry within the actor's reach, a purpose
    from the list, an incident. The label names a household or person by number only (a
    campaign's ledger is published). ("", "", "") when none is given."""
    given = [x for x in (unit, household, person, purpose, incident) if x is not None]
    if not given:
        return "", "", ""
    if len(given) > 1:
        raise DonationRefused("Mỗi khoản ủng hộ chỉ có một chỉ định sử dụng.")
    if household is not None or person is not None:
        record_ = household or person
        what = "Hộ gia đình" if household is not None else "Người"
        # within reach: the record's owning organisation is in the actor's reach (the
        # registry's own rule, orgs/access.py); a system import has no actor to limit
        in_reach = (
            actor is None
            or not getattr(actor, "is_authenticated", False)
            or access.can(actor, "view", record_.organisation)
        )
        if not in_reach:
            raise DonationRefused(
                f"{what} được chỉ định không thuộc phạm vi quản lý của bạn.",
            )
        kind = "household" if household is not None else "person"
        return kind, f"{kind}:{record_.pk}", f"{what} số {record_.pk} (sổ đối tượng)"
    if unit is not None:
        return "unit", f"unit:{unit.map}:{unit.code}", unit.name
    if purpose is not None:
        return "purpose", f"purpose:{purpose.name_key}"[:160], purpose.name
    return "incident", f"incident:{incident.pk}", incident.name[:255]


@transaction.atomic
def create_bank_account(actor, *, bank, number, holder, organisation, campaign=None):
    account = BankAccount.objects.create(
        bank=bank,
        number=number.strip(),
        holder=nfc(holder),
        organisation=organisation,
        campaign=campaign,
    )
    record(
        actor,
        "bank_account.create",
        account,
        after=snapshot(account, ["bank", "number", "holder", "organisation", "campaign"]),
    )
    return account


@transaction.atomic
def find_or_create_donor(
    actor,
    organisation,
    *,
    name: str,
    kind: str = DonorKind.INDIVIDUAL,
    account_no: str = "",
    phone: str = "",
    code: str = "",
    email: str = "",
    address: str = "",
    consent_publish: bool = False,
) -> Donor:
    """The donor with the same normalised name and the same account, phone or code, or a new
    one. A donor known by nothing but a name is always new (names are not unique)."""
    name = nfc(name) or "Nhà hảo tâm ẩn danh"
    key = identity_key(name, account_no, phone, code) if kind != DonorKind.ANONYMOUS else ""
    if key:
        found = Donor.objects.filter(organisation=organisation, identity_key=key).first()
        if found is not None:
            if consent_publish and not found.consent_publish:
                Donor.objects.filter(pk=found.pk).update(consent_publish=True)
                found.consent_publish = True
            return found
    donor = Donor.objects.create(
        organisation=organisation,
        kind=kind,
        name=name,
        name_key=search_key(name),
        account_no=account_no.strip(),
        phone=phone.strip(),
        code=code.strip(),
        email=email,
        address=nfc(address),
        consent_publish=consent_publish,
        identity_key=key,
    )
    record(actor, "donor.create", donor, after=snapshot(donor, ["kind", "name", "consent_publish"]))
    return donor


@transaction.atomic
def record_donation(
    actor,
    *,
    organisation,
    channel,
    received_on,
    amount,
    campaign=None,
    donor=None,
    donor_name="",
    goods_item="",
    goods_quantity=None,
    goods_unit="",
    earmark_kind="",
    earmark_ref="",
    note="",
    statement_line=None,
    earmark_unit=None,
    earmark_household=None,
    earmark_person=None,
    earmark_purpose=None,
    earmark_incident=None,
) -> Donation:
    """Record one donation and post it to its fund's ledger account."""
    amount = int(amount or 0)
    if amount <= 0:
        raise DonationRefused("Số tiền (hoặc giá trị quy đổi) phải lớn hơn 0.")
    if channel == Channel.IN_KIND and not goods_item:
        raise DonationRefused("Hàng hóa ủng hộ phải ghi rõ tên hiện vật.")
    if campaign is not None:
        reason = campaign.refusal_for(received_on)
        if reason:
            raise DonationRefused(reason)
    kind, key, label = structured_earmark(
        actor, unit=earmark_unit, household=earmark_household, person=earmark_person,
        purpose=earmark_purpose, incident=earmark_incident,
    )  # fmt: skip
    if kind:
        earmark_kind = kind
    else:
        key, label = earmark_key(earmark_kind, earmark_ref)
    account = ledger.account_for(organisation, campaign, key, label)
    donor_label = donor_name or (str(donor) if donor else "")
    memo = f"{Channel(channel).label}: {donor_label or 'ẩn danh'}"
    if goods_item:
        memo += f" — {goods_item}"
    entry = ledger.post(
        account, amount, booked_on=received_on, memo=memo[:255], source=f"{channel}", actor=actor
    )
    donation = Donation.objects.create(
        organisation=organisation,
        campaign=campaign,
        donor=donor,
        donor_name=nfc(donor_name or (donor.name if donor else "")),
        donor_name_key=search_key(donor_name or (donor.name if donor else "")),
        channel=channel,
        received_on=received_on,
        amount=amount,
        goods_item=nfc(goods_item),
        goods_quantity=goods_quantity,
        goods_unit=nfc(goods_unit),
        earmark_kind=earmark_kind,
        earmark_ref=label,
        earmark_unit=earmark_unit,
        earmark_household=earmark_household,
        earmark_person=earmark_person,
        earmark_purpose=earmark_purpose,
        earmark_incident=earmark_incident,
        statement_line=statement_line,
        ledger_entry=entry,
        note=nfc(note),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    DonationTotal.add(organisation.pk, getattr(campaign, "pk", None), channel, amount, 1)
    record(actor, "donation.create", donation, after=snapshot(donation, DONATION_FIELDS))
    return donation


@transaction.atomic
def reverse_donation(actor, donation: Donation, reason: str) -> Donation:
    """Cancel a donation recorded by mistake: a reversing ledger entry, never an edit."""
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.reversed_at is not None:
        raise DonationRefused("Khoản ủng hộ này đã được hủy trước đó.")
    try:
        ledger.reverse(donation.ledger_entry, actor=actor, memo=f"Hủy: {reason}"[:255])
    except ledger.LedgerError as exc:
        raise DonationRefused(str(exc)) from exc
    donation.reversed_at = timezone.now()
    donation.save(update_fields=["reversed_at"])
    DonationTotal.add(
        donation.organisation_id, donation.campaign_id, donation.channel, -donation.amount, -1
    )
    record(actor, "donation.reverse", donation, after={"reason": reason})
    return donation


def issue_receipt(actor, donation: Donation):
    """The donation's receipt (receipts.issue refuses a cancelled donation)."""
    return receipts.issue(actor, donation)


@transaction.atomic
def create_statement(
    actor, bank_account, *, filename: str, data: bytes, campaign=None, options: dict | None = None
):
    """The import record of an uploaded file, uploaded (the import runs in tasks.py).
    `options`: layout, columns (a column mapping), header_row, number_format. The same file
    for the same account, imported or on its way, is answered by that earlier statement
    (marked `repeated`): nothing is recorded or imported twice."""
    options = {k: v for k, v in (options or {}).items() if v}
    statement = Statement(
        bank_account=bank_account,
        campaign=campaign,
        layout=options.get("layout", ""),
        mapping=options or None,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    statement.store_file(data, filename)
    earlier = Statement.earlier_same_file(statement.checksum, bank_account=bank_account)
    if earlier is not None:
        statement.file.delete(save=False)  # the earlier statement keeps its own copy
        earlier.repeated = True
        return earlier
    statement.save()
    statement.repeated = False
    statement.log_move("", StatementStatus.UPLOADED, actor=actor)
    record(
        actor,
        "statement.upload",
        statement,
        organisation=bank_account.organisation,
        after={"filename": filename, "checksum": statement.checksum},
    )
    return statement


def upload_statement(actor, bank_account, *, preview_first: bool, **fields):
    """Record an uploaded statement (create_statement's `fields`). With `preview_first` it
    waits, previewed, until the officer has looked at the preview and confirmed — unless the
    file cannot be imported as it is: then its import is queued at once and refuses it
    (writing nothing, keeping every reason and the rejected rows) instead of leaving it
    waiting forever. Without `preview_first` the import is queued at once. The same file
    again: the earlier statement, as it is."""
    from nhandao.donations import importers

    statement = create_statement(actor, bank_account, **fields)
    if statement.repeated:
        return statement
    if preview_first and importers.previewed_in_background(fields["data"]):
        # a long PDF: read by the worker (its page shows "trang N / M"), not in the request
        from nhandao.donations import tasks

        Statement.objects.filter(pk=statement.pk).update(
            progress=0, progress_note="Đang chờ đến lượt xem trước"
        )
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        enqueue_on_commit(tasks.preview_statement, statement.pk, actor_id)
        statement.refresh_from_db()
        return statement
    if preview_first:
        preview = importers.preview(statement)
        if not (preview.get("error") or preview.get("errors")):
            statement.move(StatementStatus.PREVIEWED, actor=actor)
            return statement
    return run_statement(actor, statement)


def preview_in_background(statement_id: int, actor_id: int | None = None) -> dict:
    """The preview of a long PDF, read by the worker (tasks.preview_statement) with its
    progress on the statement's page, then kept on the statement (importers.kept_preview) so
    that its page shows it without reading the file again. Then, as upload_statement does:
    previewed, waiting for the officer's confirmation — or, when the file cannot be imported
    as it is, its import queued at once to refuse it with every reason."""
    from nhandao.donations import importers

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    statement = Statement.objects.select_related("bank_account__organisation", "campaign").get(
        pk=statement_id
    )
    if statement.status != StatementStatus.UPLOADED:
        return {"statement": statement_id, "status": statement.status}

    def pages_read(page: int, pages: int) -> None:
        Statement.objects.filter(pk=statement_id).update(
            progress=95 * page // pages, progress_note=f"Đang xem trước: trang {page} / {pages}"
        )

    found = importers.preview(statement, progress=pages_read)
    mapping = {**(statement.mapping or {}), "preview": importers.kept_preview(found)}
    if found.get("error") or found.get("errors"):
        Statement.objects.filter(pk=statement_id).update(mapping=mapping)
        run_statement(actor, statement)  # once: only if still uploaded
    else:
        # a filtered update: an officer who chose "Nhập ngay" meanwhile queued the import,
        # which goes on (the preview is then only kept)
        Statement.claim(
            statement_id,
            StatementStatus.UPLOADED,
            StatementStatus.PREVIEWED,
            actor=actor,
            mapping=mapping,
            progress=100,
            progress_note="Đã xem trước",
        )
    statement.refresh_from_db()
    return {"statement": statement_id, "status": statement.status}


def _import_task_args(actor, statement) -> tuple:
    """tasks.import_statement's arguments for a statement."""
    options = statement.mapping or {}
    return (
        statement.pk,
        actor.pk if getattr(actor, "is_authenticated", False) else None,
        options.get("layout") or "auto",
        options.get("columns"),
        options.get("header_row"),
        options.get("number_format") or "auto",
    )


def _queue(statement, actor=None) -> bool:
    """uploaded or previewed → queued, once (a filtered update): False when it was neither."""
    return any(
        Statement.claim(
            statement.pk,
            source,
            StatementStatus.QUEUED,
            actor=actor,
            progress=0,
            progress_note="Đang chờ đến lượt nhập",
        )
        for source in (StatementStatus.UPLOADED, StatementStatus.PREVIEWED)
    )


@transaction.atomic
def run_statement(actor, statement):
    """Queue the import of a pending statement for the worker, once the caller's transaction
    has committed; the statement page shows that it waits, then its progress. A statement
    queued already (a second click) is not queued again."""
    from nhandao.donations import tasks

    if _queue(statement, actor):
        enqueue_on_commit(tasks.import_statement, *_import_task_args(actor, statement))
    statement.refresh_from_db()
    return statement


def import_statement(
    actor,
    bank_account,
    *,
    filename: str,
    data: bytes,
    campaign=None,
    layout: str = "auto",
    mapping: dict | None = None,
    header_row: int | None = None,
    number_format: str = "auto",
):
    """Record a statement and import it now, in this process (the command line): the same
    task the worker runs, run here and claimed so that a worker running meanwhile cannot run
    it too (lib.tasks.run_here). Returns the Statement, re-read once the import is over."""
    from nhandao.donations import tasks

    options = {
        "layout": layout if layout != "auto" else "",
        "columns": mapping,
        "header_row": header_row,
        "number_format": number_format if number_format != "auto" else "",
    }
    statement = create_statement(
        actor, bank_account, filename=filename, data=data, campaign=campaign, options=options
    )
    if statement.repeated:  # the same file again: its earlier statement answers
        return statement
    _queue(statement, actor)
    run_here(tasks.import_statement, *_import_task_args(actor, statement))
    statement.refresh_from_db()
    return statement


# --- lines set aside for review (issues #23, #24) --------------------------------------------


@transaction.atomic
def correct_review_line(actor, line, *, booked_on, amount: int, direction: str, note: str = ""):
    """An officer's reading of a line that could not be posted (its page beside it): the
    date, amount and direction, audited. The line is posted by importing the file again
    (reimport_corrected): the correction is applied to the same row of the same file."""
    from nhandao.donations.models import Direction, ReviewLine, ReviewStatus
    from nhandao.lib.errors import Refused

    if amount is None or amount <= 0:
        raise Refused("Số tiền phải lớn hơn 0.", field="amount")
    if direction not in Direction.values:
        raise Refused("Hãy chọn ghi có (tiền vào) hoặc ghi nợ (tiền ra).", field="direction")
    line = ReviewLine.objects.select_for_update().get(pk=line.pk)
    fields = ["status", "corrected_on", "corrected_amount", "corrected_direction", "note"]
    before = snapshot(line, fields)
    line.corrected_on, line.corrected_amount, line.corrected_direction = (
        booked_on,
        amount,
        direction,
    )
    line.note = (note or "").strip()[:300]
    line.status = ReviewStatus.CORRECTED
    line.corrected_by = actor if getattr(actor, "is_authenticated", False) else None
    line.corrected_at = timezone.now()
    line.save()
    record(
        actor,
        "statement.review_correct",
        line,
        organisation=line.bank_account.organisation,
        before=before,
        after=snapshot(line, fields),
    )
    return line


def reimport_corrected(actor, statement):
    """Import a statement's own file again into its account with the officers' corrections
    applied: the corrected lines are added, the others are already present (natural keys).
    A new statement record (the same checksum), run here as import_statement does."""
    from nhandao.donations import tasks

    again = Statement(
        bank_account=statement.bank_account,
        campaign=statement.campaign,
        layout=statement.layout,
        mapping={**(statement.mapping or {}), "again": statement.pk},
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    again.store_file(statement.read_file(), statement.file_name)
    again.save()
    again.repeated = False
    again.log_move("", StatementStatus.UPLOADED, actor=actor)
    record(
        actor,
        "statement.reimport",
        again,
        organisation=statement.bank_account.organisation,
        after={"again": statement.pk, "checksum": again.checksum},
    )
    _queue(again, actor)
    run_here(tasks.import_statement, *_import_task_args(actor, again))
    again.refresh_from_db()
    return again


@transaction.atomic
def record_entered_donation(actor, channel: str, data: dict) -> Donation:
    """A cash or in-kind donation typed into the form (page or API). A donor record is kept
    only when the donor can be recognised again (a phone or an ID code) and is not anonymous;
    otherwise the name stays on the donation. Atomic: a refused donation leaves no donor.
    When the campaign issues receipts automatically and the donor is named, the receipt is
    issued in the same transaction."""
    anonymous = data["donor_kind"] == "anonymous"
    donor = None
    if not anonymous and (data.get("donor_phone") or data.get("donor_code")):
        donor = find_or_create_donor(
            actor,
            data["organisation"],
            name=data["donor_name"],
            kind=data["donor_kind"],
            phone=data.get("donor_phone") or "",
            code=data.get("donor_code") or "",
            address=data.get("donor_address") or "",
            consent_publish=data["consent_publish"],
        )
    donation = record_donation(
        actor,
        organisation=data["organisation"],
        channel=channel,
        received_on=data["received_on"],
        amount=data["amount"],
        campaign=data.get("campaign"),
        donor=donor,
        donor_name="" if anonymous else data["donor_name"],
        goods_item=data.get("goods_item") or "",
        goods_quantity=data.get("goods_quantity"),
        goods_unit=data.get("goods_unit") or "",
        earmark_kind=data.get("earmark_kind") or "",
        earmark_ref=data.get("earmark_ref") or "",
        earmark_household=data.get("earmark_household_obj"),
        earmark_person=data.get("earmark_person_obj"),
        earmark_purpose=data.get("earmark_purpose"),
        earmark_unit=data.get("earmark_unit"),
        earmark_incident=data.get("earmark_incident"),
        note=data.get("note") or "",
    )
    if receipts.wants_automatic(donation):
        receipts.issue(actor, donation)
    return donation
