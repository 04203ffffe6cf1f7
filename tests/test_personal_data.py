"""Personal data by law (issue #15 item 2): a sensitive read states its purpose, logged with
it; data-subject requests (see, correct, erase, restrict) with a deadline from data, a
history and audit events, for the officers holding "sensitive"; erasure pseudonymises and
keeps support values; restriction hides from lists and exports; retention rules as data and
`nhandao apply_retention [--dry-run]`."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import actions, privacy
from nhandao.beneficiaries.models import (
    DataRequest,
    Person,
    PersonStatus,
    RetentionRule,
    SensitiveRead,
    SupportRecord,
)
from nhandao.lib.errors import Refused
from nhandao.lib.models import Notification
from nhandao.orgs.models import AdminMap, AdminUnit


@pytest.fixture
def hoa(cast):
    return actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        birth_date=date(1985, 3, 4),
        id_number="001185012345",
        phone="0912345678",
        village="Tổ 5",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )


# ---- purposes ---------------------------------------------------------------------------


def test_the_sensitive_fields_show_only_once_a_purpose_is_stated_and_it_is_logged(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    html = client.get(f"/doi-tuong/{hoa.pk}/").content.decode()
    assert "001185012345" not in html and 'id="purpose-form"' in html
    assert not SensitiveRead.objects.exists()
    html = client.get(f"/doi-tuong/{hoa.pk}/?muc_dich=xet-ho-tro").content.decode()
    assert "001185012345" in html
    (read,) = SensitiveRead.objects.all()
    assert read.purpose.code == "xet-ho-tro" and read.user == cast.ba_dinh_officer
    # an unknown or retired purpose shows nothing and logs nothing
    read.purpose.active = False
    read.purpose.save()
    html = client.get(f"/doi-tuong/{hoa.pk}/?muc_dich=xet-ho-tro").content.decode()
    assert "001185012345" not in html and SensitiveRead.objects.count() == 1
    # without the "sensitive" permission no purpose opens the fields
    html = login(cast.hn_viewer).get(f"/doi-tuong/{hoa.pk}/?muc_dich=xac-minh").content.decode()
    assert "001185012345" not in html and SensitiveRead.objects.count() == 1


# ---- data-subject requests --------------------------------------------------------------


def receive(cast, person, kind):
    return privacy.receive_request(cast.ba_dinh_officer, person, kind, "Chính chủ, tại trụ sở")


def test_a_request_gets_its_deadline_from_the_law_as_data_and_tells_the_other_officers(cast, hoa):
    before = timezone.now()
    req = privacy.receive_request(cast.hn_officer, hoa, "see", "Chính chủ, qua Hội tỉnh")
    assert req.status == "received" and req.organisation == cast.ba_dinh
    assert timedelta(hours=72) <= req.due_at - before < timedelta(hours=72, seconds=5)
    assert [h.to_status for h in req.history.all()] == ["received"]
    assert AuditEvent.objects.filter(action="beneficiaries.data_request").count() == 1
    told = {n.user for n in Notification.objects.filter(kind="requests")}
    assert told == {cast.ba_dinh_officer}  # the person's own organisation, not the receiver


def test_a_request_is_refused_with_a_clear_message_and_writes_nothing(cast, hoa):
    with pytest.raises(Refused, match="Loại yêu cầu"):
        receive(cast, hoa, "burn")
    with pytest.raises(Refused, match="Người yêu cầu"):
        privacy.receive_request(cast.ba_dinh_officer, hoa, "see", "  ")
    assert not DataRequest.objects.exists()


def test_only_sensitive_holders_in_reach_receive_or_answer(cast, hoa):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        privacy.receive_request(cast.hn_viewer, hoa, "see", "x")
    with pytest.raises(PermissionDenied):
        privacy.receive_request(cast.ngoc_ha_officer, hoa, "see", "x")
    req = receive(cast, hoa, "erase")
    with pytest.raises(PermissionDenied):
        privacy.answer_request(cast.hn_accountant, req, "done")
    hoa.refresh_from_db()
    assert hoa.full_name == "Nguyễn Thị Hoa"


def test_erasure_pseudonymises_and_keeps_the_support_and_its_value(cast, hoa):
    support = actions.record_support(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, date=date(2025, 1, 20),
        kind="cash", value=1_500_000, person=hoa,
    )  # fmt: skip
    req = receive(cast, hoa, "erase")
    privacy.answer_request(cast.hn_manager, req, "done")
    hoa.refresh_from_db()
    assert hoa.full_name == f"Người đã xoá dữ liệu #{hoa.pk}"
    assert (hoa.id_number, hoa.phone, hoa.birth_date, hoa.birth_year, hoa.village) == (
        "", "", None, None, ""
    )  # fmt: skip
    assert hoa.erased_at and hoa.restricted_at
    assert SupportRecord.objects.get(pk=support.pk).value == 1_500_000
    assert SupportRecord.objects.get(pk=support.pk).person_id == hoa.pk
    req.refresh_from_db()
    assert req.status == "done" and req.answered_at
    assert {"beneficiaries.person_erase", "beneficiaries.data_request_answer"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    # nothing of the old name is findable any more
    assert not Person.objects.search("Nguyễn Thị Hoa").exists()
    assert not Person.objects.search("001185012345").exists()


def test_erasure_keeps_the_ledger_of_a_relief_round_verifying(cast):
    """The ledger holds accounts and amounts, never a beneficiary: erasing one leaves every
    chain as it was."""
    from nhandao.audit import ledger
    from nhandao.audit.models import LedgerAccount

    person = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Lê Văn Tám",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )  # fmt: skip
    accounts = list(LedgerAccount.objects.all())
    privacy.erase_person(cast.ba_dinh_officer, person)
    assert all(ledger.verify(a).ok for a in accounts)


def test_restriction_hides_the_person_from_the_list_search_and_export(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    assert "Nguyễn Thị Hoa" in client.get("/doi-tuong/?q=hoa").content.decode()
    req = receive(cast, hoa, "restrict")
    privacy.answer_request(cast.hn_manager, req, "done")
    assert "Nguyễn Thị Hoa" not in client.get("/doi-tuong/?q=hoa").content.decode()
    export = client.get(reverse("person_export"))
    assert "Nguyễn Thị Hoa" not in b"".join(export).decode("utf-8-sig", "replace")
    hoa.refresh_from_db()
    assert hoa.full_name == "Nguyễn Thị Hoa" and hoa.restricted_at  # not erased


def test_a_refusal_needs_its_reason(cast, hoa):
    req = receive(cast, hoa, "correct")
    with pytest.raises(Refused, match="lý do"):
        privacy.answer_request(cast.hn_manager, req, "refused")
    privacy.answer_request(cast.hn_manager, req, "refused", "Dữ liệu đã đúng theo CCCD gốc")
    req.refresh_from_db()
    assert req.status == "refused"
    with pytest.raises(Refused):  # answered once
        privacy.answer_request(cast.hn_manager, req, "done")


def test_the_request_pages(cast, hoa, login):
    client = login(cast.ba_dinh_officer)
    response = client.post(
        reverse("data_request_create", args=[hoa.pk]), {"kind": "erase", "requested_by": ""}
    )
    assert response.status_code == 422 and "Người yêu cầu" in response.content.decode()
    response = client.post(
        reverse("data_request_create", args=[hoa.pk]),
        {"kind": "erase", "requested_by": "Chính chủ"},
    )
    req = DataRequest.objects.get()
    assert response["Location"] == reverse("data_request", args=[req.pk])
    listing = client.get(reverse("data_requests")).content.decode()
    assert f"#{req.pk}" in listing
    page = client.get(reverse("data_request", args=[req.pk])).content.decode()
    assert "Thực hiện yêu cầu" in page
    client.post(reverse("data_request", args=[req.pk]), {"to": "done"})
    hoa.refresh_from_db()
    assert hoa.erased_at is not None
    # another commune's officer does not find it
    assert (
        login(cast.ngoc_ha_officer).get(reverse("data_request", args=[req.pk])).status_code == 404
    )


# ---- retention ----------------------------------------------------------------------------


def test_apply_retention_dry_run_counts_and_the_real_run_applies(cast, hoa):
    old = timezone.now() - timedelta(days=6 * 366)
    actions.log_sensitive_read(cast.ba_dinh_officer, [hoa], "page")
    actions.log_sensitive_read(cast.ba_dinh_officer, [hoa], "page")
    SensitiveRead.objects.filter(pk=SensitiveRead.objects.first().pk).update(at=old)
    merged = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Trần Văn Cũ",
        commune=hoa.commune, id_number="001090000001",
    )  # fmt: skip
    Person.objects.filter(pk=merged.pk).update(
        status=PersonStatus.MERGED, created_at=timezone.now() - timedelta(days=11 * 366)
    )
    RetentionRule.objects.create(kind="khong-ro", label="Loại chưa có", years=1)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    cutoff5 = (timezone.localdate().replace(year=timezone.localdate().year - 5)).strftime(
        "%d/%m/%Y"
    )
    assert out.getvalue().splitlines() == [
        "Thời hạn lưu trữ (chạy thử: không thay đổi gì)",
        f"- Hồ sơ đối tượng đã gộp vào hồ sơ khác, không còn hỗ trợ (lưu 10 năm, trước "
        f"{timezone.localdate().replace(year=timezone.localdate().year - 10):%d/%m/%Y}): "
        "1 bản ghi sẽ ẩn danh hoá",
        "- Loại chưa có: loại hồ sơ “khong-ro” chưa có cách áp dụng, bỏ qua",
        f"- Nhật ký đọc dữ liệu nhạy cảm (lưu 5 năm, trước {cutoff5}): 1 bản ghi sẽ xoá",
        f"- Thông báo đã đọc (lưu 1 năm, trước "
        f"{timezone.localdate().replace(year=timezone.localdate().year - 1):%d/%m/%Y}): "
        "0 bản ghi sẽ xoá",
    ]
    assert SensitiveRead.objects.count() == 2  # the dry run changed nothing
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 bản ghi đã xoá" in out.getvalue()
    assert SensitiveRead.objects.count() == 1
    merged.refresh_from_db()
    assert merged.full_name.startswith("Người đã xoá dữ liệu") and merged.id_number == ""
    # a second run finds nothing more: harmless
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 bản ghi" not in out.getvalue()


def test_restriction_or_erasure_withdraws_the_consent_to_publish_a_name(cast, hoa):
    from nhandao.relief.public import _may_publish

    hoa.consent_by, hoa.consent_at = "Nguyễn Thị Hoa", date(2025, 1, 2)
    hoa.consent_purpose = "Đồng ý công khai tên trong danh sách nhận hỗ trợ"
    hoa.save()
    assert _may_publish(hoa)
    privacy.answer_request(cast.hn_manager, receive(cast, hoa, "restrict"), "done")
    hoa.refresh_from_db()
    assert not _may_publish(hoa)


def test_the_documented_output_of_apply_retention(cast):
    import re
    from pathlib import Path

    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    howto = (Path(__file__).parent.parent / "docs" / "howto.md").read_text(encoding="utf-8")
    documented = howto.split("## Personal data: purposes")[1].split("```")[1]
    lines = [ln for ln in documented.strip().splitlines() if not ln.startswith("$")]

    def undated(text):
        return re.sub(r"\d\d/\d\d/\d{4}", "dd/mm/yyyy", text)

    assert [undated(ln) for ln in out.getvalue().splitlines()] == [undated(ln) for ln in lines]
