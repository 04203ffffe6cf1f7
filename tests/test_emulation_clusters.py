# ruff: noqa: F811  (fixtures are imported by name)
"""Emulation, the rest of issue #18: clusters managed in the app (create, members, next
year's cluster with the handover), donors honoured by thresholds kept as data with the
consent rule, the printable certificate and its public verify page (revoked → it says so),
and the workbook's marks per criterion."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from docx import Document

from nhandao.audit.models import AuditEvent
from nhandao.donations import actions as donations
from nhandao.donations.models import DonorKind
from nhandao.emulation import actions, outputs
from nhandao.emulation.models import AwardKind, AwardProposal, ClusterTerm, DonorHonourRule, Stage
from nhandao.lib.errors import Refused
from nhandao.orgs.models import EmulationCluster
from tests.test_emulation import FAR, YEAR, emu, self_mark  # noqa: F401


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    return caught.value.message


# --- clusters -------------------------------------------------------------------------------


def test_a_cluster_is_created_in_the_app_by_its_owner_with_members_below_it(cast):
    cluster = actions.create_cluster(
        cast.hn_officer,
        owner=cast.hanoi,
        year=2025,
        number=2,
        name="Cụm thi đua số 2 – các phường 2025",
        members=[cast.ba_dinh, cast.ngoc_ha],
    )
    assert set(cluster.members.all()) == {cast.ba_dinh, cast.ngoc_ha}
    assert AuditEvent.objects.filter(action="emulation.cluster.create").count() == 1
    # a commune of another province does not lie below Hà Nội
    message = refused(
        actions.create_cluster,
        cast.root,
        owner=cast.hanoi,
        year=2025,
        number=3,
        name="Cụm 3",
        members=[cast.tq_commune],
    )
    assert (
        message
        == f"{cast.tq_commune.name} không trực thuộc Hội Chữ thập đỏ Hà Nội: không vào cụm được."
    )
    # the same number twice, a member already in another cluster of the owner that year
    assert "đã có cụm số 2 năm 2025" in refused(
        actions.create_cluster, cast.root, owner=cast.hanoi, year=2025, number=2, name="Cụm"
    )
    assert (
        refused(
            actions.create_cluster,
            cast.root,
            owner=cast.hanoi,
            year=2025,
            number=4,
            name="Cụm 4",
            members=[cast.ngoc_ha],
        )
        == "Hội Chữ thập đỏ Phường Ngọc Hà đã thuộc Cụm thi đua số 2 – các phường 2025 năm 2025."
    )
    assert EmulationCluster.objects.filter(year=2025).count() == 1  # nothing partial
    with pytest.raises(PermissionDenied):
        actions.create_cluster(
            cast.ba_dinh_officer, owner=cast.hanoi, year=2025, number=5, name="Cụm 5"
        )


def test_members_are_added_and_removed_until_the_first_round_opens(cast, emu):
    cluster = actions.create_cluster(
        cast.hn_officer, owner=cast.hanoi, year=2025, number=1, name="Cụm 1 – 2025"
    )
    actions.add_member(cast.hn_officer, cluster, cast.ba_dinh)
    actions.add_member(cast.hn_officer, cluster, cast.ngoc_ha)
    assert "đã là thành viên" in refused(actions.add_member, cast.root, cluster, cast.ba_dinh)
    actions.save_term(cast.hn_officer, cluster, chair=cast.ba_dinh)
    assert refused(actions.remove_member, cast.root, cluster, cast.ba_dinh) == (
        "Hội Chữ thập đỏ Phường Ba Đình đang là cụm trưởng của cụm: hãy đổi cụm trưởng trước "
        "khi bỏ khỏi cụm."
    )
    actions.remove_member(cast.hn_officer, cluster, cast.ngoc_ha)
    assert list(cluster.members.all()) == [cast.ba_dinh]
    with pytest.raises(PermissionDenied):
        actions.add_member(cast.ba_dinh_officer, cluster, cast.ngoc_ha)
    # 2024's cluster has its year-end round: its members are fixed for the year
    message = refused(actions.add_member, cast.root, emu.cluster, cast.quan_thanh)
    assert message == (
        "Cụm đã mở đợt chấm điểm: không thay đổi thành viên được nữa trong năm 2024."
    )
    assert "Cụm đã mở đợt chấm điểm" in refused(
        actions.remove_member, cast.root, emu.cluster, cast.ngoc_ha
    )
    assert emu.cluster.members.count() == 2


def test_next_years_cluster_copies_the_members_and_hands_over_to_the_next_host(cast, emu):
    assert "Chưa ghi đơn vị nhận bàn giao" in refused(
        actions.next_year_cluster, cast.hn_officer, emu.cluster
    )
    actions.save_term(cast.hn_officer, emu.cluster, chair=cast.ngoc_ha, next_host=cast.ba_dinh)
    new = actions.next_year_cluster(cast.hn_officer, emu.cluster, date(2024, 12, 20))
    assert (new.year, new.number, new.owner) == (YEAR + 1, 1, cast.hanoi)
    assert set(new.members.all()) == {cast.ba_dinh, cast.ngoc_ha}
    term = new.term
    assert term.chair == term.midyear_host == term.yearend_host == cast.ba_dinh
    assert ClusterTerm.objects.get(cluster=emu.cluster).handed_over_on == date(2024, 12, 20)
    assert "đã có cụm số 1 năm 2025" in refused(
        actions.next_year_cluster, cast.hn_officer, emu.cluster
    )
    with pytest.raises(PermissionDenied):
        actions.next_year_cluster(cast.ba_dinh_officer, emu.cluster)


def test_clusters_are_managed_through_the_pages(cast, emu, login):
    client = login(cast.hn_officer)
    answer = client.post(
        "/thi-dua/cum/lap/",
        {"owner": "CTD-1", "year": "2025", "number": "7", "name": "Cụm số 7", "members": "CTD-X4"},
    )
    assert answer.status_code == 302
    cluster = EmulationCluster.objects.get(year=2025, number=7)
    assert answer["Location"] == f"/thi-dua/cum/{cluster.pk}/"
    page = client.get(f"/thi-dua/cum/{cluster.pk}/").content.decode()
    assert "Thêm đơn vị vào cụm" in page and "Bỏ khỏi cụm" in page
    added = client.post(f"/thi-dua/cum/{cluster.pk}/them-don-vi/", {"organisation": "CTD-X8"})
    assert added.status_code == 302 and cluster.members.count() == 2
    outside = client.post(f"/thi-dua/cum/{cluster.pk}/them-don-vi/", {"organisation": "CTD-8"})
    assert outside.status_code == 422  # Tuyên Quang lies outside Hà Nội: the picker refuses it
    removed = client.post(f"/thi-dua/cum/{cluster.pk}/bo-don-vi/{cast.ngoc_ha.pk}/")
    assert removed.status_code == 302 and list(cluster.members.all()) == [cast.ba_dinh]
    # the cluster with a round: no member form, the refusal reaches the page in words
    page = client.get(f"/thi-dua/cum/{emu.cluster.pk}/").content.decode()
    assert "Thêm đơn vị vào cụm" not in page and "thành viên năm 2024 giữ nguyên" in page
    client.post(f"/thi-dua/cum/{emu.cluster.pk}/bo-don-vi/{cast.ngoc_ha.pk}/", follow=True)
    assert emu.cluster.members.count() == 2
    # next year: refused in words without a next host, then done
    answer = client.post(f"/thi-dua/cum/{emu.cluster.pk}/nam-sau/", {"handed_over_on": ""})
    assert answer.status_code == 422 and "Chưa ghi đơn vị nhận bàn giao" in answer.content.decode()
    client.post(f"/thi-dua/cum/{emu.cluster.pk}/luu/", {"next_host": "CTD-X8"})
    # Ba Đình is already in 2025's cluster no. 7: one cluster of an owner a year
    answer = client.post(f"/thi-dua/cum/{emu.cluster.pk}/nam-sau/", {"handed_over_on": ""})
    assert "Hội Chữ thập đỏ Phường Ba Đình đã thuộc Cụm số 7 năm 2025." in answer.content.decode()
    client.post(f"/thi-dua/cum/{cluster.pk}/bo-don-vi/{cast.ba_dinh.pk}/")
    answer = client.post(
        f"/thi-dua/cum/{emu.cluster.pk}/nam-sau/", {"handed_over_on": "15/12/2024"}
    )
    new = EmulationCluster.objects.get(owner=cast.hanoi, year=2025, number=1)
    assert answer["Location"] == f"/thi-dua/cum/{new.pk}/"
    assert (
        "Cụm trưởng: Hội Chữ thập đỏ Phường Ngọc Hà"
        in client.get(answer["Location"]).content.decode()
    )


# --- donors honoured by thresholds ----------------------------------------------------------


def give(cast, org, donor, amount, day=date(2024, 5, 1)):
    return donations.record_donation(
        cast.root, organisation=org, channel="transfer", received_on=day, amount=amount, donor=donor
    )


@pytest.fixture
def givers(cast):
    """Hà Nội's thresholds for 2024: 10.000.000 đ → "Nhà hảo tâm", 50.000.000 đ → "Tấm lòng
    vàng". Donations received by Hà Nội, Ba Đình and Ngọc Hà (below Hà Nội) and Tuyên Quang
    (not below):
    - An (consents): 30.000.000 at Ba Đình + 25.000.000 at Ba Đình = 55.000.000 → Tấm lòng vàng;
    - Bình (consents): 8.000.000 in 2024 + 5.000.000 in 2023 → 8.000.000, below the threshold;
    - Chi (does not consent): 12.000.000 at Ngọc Hà → Nhà hảo tâm, not on the public page;
    - Dũng (consents): 9.000.000 + 20.000.000 reversed → 9.000.000, below;
    - Em (anonymous, consents): 60.000.000 → Tấm lòng vàng, "Nhà hảo tâm ẩn danh" nowhere public;
    - Giang (consents): 90.000.000 at Tuyên Quang → not Hà Nội's."""
    donor = donations.find_or_create_donor
    an = donor(cast.root, cast.ba_dinh, name="Nguyễn Văn An", phone="0901", consent_publish=True)
    binh = donor(cast.root, cast.hanoi, name="Trần Thị Bình", phone="0902", consent_publish=True)
    chi = donor(cast.root, cast.ngoc_ha, name="Lê Văn Chi", phone="0903")
    dung = donor(cast.root, cast.hanoi, name="Phạm Dũng", phone="0904", consent_publish=True)
    em = donor(
        cast.root, cast.hanoi, name="Ẩn danh", kind=DonorKind.ANONYMOUS, consent_publish=True
    )
    giang = donor(cast.root, cast.tuyen_quang, name="Võ Giang", phone="0905", consent_publish=True)
    give(cast, cast.ba_dinh, an, 30_000_000)
    give(cast, cast.ba_dinh, an, 25_000_000, date(2024, 12, 31))
    give(cast, cast.hanoi, binh, 8_000_000)
    give(cast, cast.hanoi, binh, 5_000_000, date(2023, 12, 31))
    give(cast, cast.ngoc_ha, chi, 12_000_000, date(2024, 1, 1))
    give(cast, cast.hanoi, dung, 9_000_000)
    donations.reverse_donation(cast.root, give(cast, cast.hanoi, dung, 20_000_000), "Nhập nhầm")
    give(cast, cast.hanoi, em, 60_000_000)
    give(cast, cast.tuyen_quang, giang, 90_000_000)
    actions.create_donor_rule(
        cast.hn_officer, owner=cast.hanoi, year=2024, min_total=10_000_000, title="Nhà hảo tâm"
    )
    actions.create_donor_rule(
        cast.hn_officer, owner=cast.hanoi, year=2024, min_total=50_000_000, title="Tấm lòng vàng"
    )


def test_donors_reaching_the_thresholds_are_honoured_with_the_highest_title(cast, givers):
    honours = actions.donor_honours(cast.hanoi, 2024)
    assert [(h.name, h.total, h.title, h.published) for h in honours] == [
        ("Ẩn danh", 60_000_000, "Tấm lòng vàng", False),
        ("Nguyễn Văn An", 55_000_000, "Tấm lòng vàng", True),
        ("Lê Văn Chi", 12_000_000, "Nhà hảo tâm", False),
    ]
    # the public list: only those who agreed to be published, never the anonymous
    public = actions.donor_honours(cast.hanoi, 2024, public=True)
    assert [(h.name, h.total, h.title) for h in public] == [
        ("Nguyễn Văn An", 55_000_000, "Tấm lòng vàng")
    ]
    assert actions.donor_honours(cast.hanoi, 2023) == []  # no thresholds for 2023
    # Ba Đình's own book: An only (Chi gave to Ngọc Hà)
    actions.create_donor_rule(
        cast.ba_dinh_officer, owner=cast.ba_dinh, year=2024, min_total=1, title="Cảm ơn"
    )
    assert [h.name for h in actions.donor_honours(cast.ba_dinh, 2024)] == ["Nguyễn Văn An"]


def test_a_donor_threshold_refuses_bad_input_with_nothing_written(cast, givers):
    before = DonorHonourRule.objects.count()
    assert (
        refused(
            actions.create_donor_rule,
            cast.hn_officer,
            owner=cast.hanoi,
            year=2024,
            min_total=10_000_000,
            title="Lặp",
        )
        == "Hội Chữ thập đỏ Hà Nội đã có ngưỡng 10.000.000 ₫ năm 2024."
    )
    assert "phải lớn hơn 0" in refused(
        actions.create_donor_rule, cast.root, owner=cast.hanoi, year=2024, min_total=0, title="X"
    )
    assert "Hãy ghi danh hiệu" in refused(
        actions.create_donor_rule, cast.root, owner=cast.hanoi, year=2024, min_total=5, title=" "
    )
    with pytest.raises(PermissionDenied):
        actions.create_donor_rule(
            cast.ba_dinh_officer, owner=cast.hanoi, year=2024, min_total=5, title="X"
        )
    assert DonorHonourRule.objects.count() == before


def test_donor_honours_on_the_pages_and_the_public_page_keeps_the_consent_rule(
    cast, givers, client, login
):
    public = client.get("/cong-khai/nguoi-tot-viec-thien/?nam=2024").content.decode()
    assert "Nguyễn Văn An" in public and "Tấm lòng vàng" in public and "55.000.000 ₫" in public
    assert "Lê Văn Chi" not in public and "Ẩn danh" not in public and "Võ Giang" not in public
    officer = login(cast.hn_officer)
    page = officer.get("/thi-dua/nha-hao-tam/?nam=2024").content.decode()
    assert "Lê Văn Chi" in page and "12.000.000 ₫" in page
    answer = officer.post(
        "/thi-dua/nha-hao-tam/lap/",
        {"owner": "CTD-1", "year": "2024", "min_total": "100.000.000", "title": "Kim cương"},
    )
    assert answer.status_code == 302
    assert DonorHonourRule.objects.get(title="Kim cương").min_total == 100_000_000
    bad = officer.post(
        "/thi-dua/nha-hao-tam/lap/",
        {"owner": "CTD-1", "year": "2024", "min_total": "mười triệu", "title": "X"},
    )
    assert bad.status_code == 422


def test_the_api_lists_the_donors_reaching_the_thresholds_within_reach(cast, givers, login):
    answer = login(cast.hn_officer).get("/api/emulation/donor-honours?year=2024").json()
    assert [g["organisation"] for g in answer] == ["Hội Chữ thập đỏ Hà Nội"]
    assert answer[0]["rules"] == [
        {"min_total": 50_000_000, "title": "Tấm lòng vàng"},
        {"min_total": 10_000_000, "title": "Nhà hảo tâm"},
    ]
    assert [(d["name"], d["total"], d["published"]) for d in answer[0]["donors"]] == [
        ("Ẩn danh", 60_000_000, False),
        ("Nguyễn Văn An", 55_000_000, True),
        ("Lê Văn Chi", 12_000_000, False),
    ]
    assert login(cast.tq_officer).get("/api/emulation/donor-honours?year=2024").json() == []
    assert login(cast.hn_officer).get("/api/emulation/donor-honours?year=1800").status_code == 422


# --- the certificate and its verify page ----------------------------------------------------


def test_a_granted_award_prints_a_certificate_whose_qr_page_says_when_it_is_revoked(
    cast, emu, client, login
):
    p = actions.propose_award(
        cast.ba_dinh_officer,
        proposer=cast.ba_dinh,
        grantor=cast.hanoi,
        kind=AwardKind.CERTIFICATE,
        year=2024,
        achievement="Dẫn đầu cụm thi đua số 1",
        recipient_org=cast.ba_dinh,
    )
    officer = login(cast.hn_manager)
    not_yet = officer.get(f"/thi-dua/khen-thuong/{p.pk}/giay-khen.docx")
    assert not_yet.status_code == 302  # only a granted award has a certificate
    token = outputs.certificate_token(p)
    assert client.get(f"/cong-khai/khen-thuong/{token}/").status_code == 404
    actions.decide_award(cast.hn_manager, p, "granted", decision_number="21/QĐ-HCTĐ")
    answer = officer.get(f"/thi-dua/khen-thuong/{p.pk}/giay-khen.docx")
    document = Document(io.BytesIO(answer.content))
    text = "\n".join(x.text for x in document.paragraphs)
    assert "GIẤY KHEN" in text and "Hội Chữ thập đỏ Phường Ba Đình" in text
    assert "Đã có thành tích: Dẫn đầu cụm thi đua số 1" in text
    assert "Quyết định số 21/QĐ-HCTĐ" in text
    assert len(document.inline_shapes) == 1  # the QR code
    client.logout()
    page = client.get(f"/cong-khai/khen-thuong/{token}/").content.decode()
    assert 'data-valid="1"' in page and "Khen thưởng còn hiệu lực." in page
    actions.decide_award(cast.hn_manager, p, "revoked", note="Phát hiện sai sót hồ sơ")
    page = client.get(f"/cong-khai/khen-thuong/{token}/").content.decode()
    assert 'data-valid="0"' in page and "Khen thưởng này đã bị thu hồi ngày" in page
    assert client.get(f"/cong-khai/khen-thuong/{token}x/").status_code == 404


# --- the workbook ---------------------------------------------------------------------------


def test_the_workbook_has_each_members_counting_mark_per_criterion(cast, emu, login):
    self_mark(cast, emu, emu.ba_dinh, {"1.1": 8, "2.1": 10, "2.2": 2, "2.3": 1})
    actions.move_scorecard(cast.ba_dinh_officer, emu.ba_dinh, "sent")
    actions.mark(
        cast.ngoc_ha_officer, emu.ba_dinh, emu.crit["1.1"], Stage.CROSS, 7, reason="Thiếu hồ sơ"
    )
    answer = login(cast.hn_officer).get(f"/thi-dua/dot/{emu.round.pk}/tai/xlsx/")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Xếp hạng", "Điểm theo tiêu chí", "Điểm chấm"]
    rows = list(book["Điểm theo tiêu chí"].values)
    assert rows[0][:3] == ("Hạng", "Đơn vị", "1.1. Phát triển hội viên")
    by_name = {r[1]: r[2:] for r in rows[1:]}
    # the cross mark counts over the self mark; 1.2 is the Front's only
    assert by_name["Hội Chữ thập đỏ Phường Ba Đình"] == (7, "không áp dụng", 10, 2, 1)
    assert by_name["Hội Chữ thập đỏ Phường Ngọc Hà"] == (None, "không áp dụng", None, None, None)


# --- bad input, the cases the first tests left out ----------------------------------------


def test_a_mark_with_a_criterion_of_another_frozen_version_or_on_a_locked_card_is_refused(
    cast, emu
):
    from tests.test_emulation import build_version

    other = build_version(cast.hn_manager, cast.hanoi, year=YEAR + 1)
    nxt = actions.create_cluster(
        cast.root, owner=cast.hanoi, year=YEAR + 1, number=1, name="Cụm 1", members=[cast.ba_dinh]
    )
    actions.open_round(cast.hn_officer, nxt, other, "yearend", FAR)
    other.refresh_from_db()
    assert other.is_frozen
    stranger = other.sections.get(code="I").criteria.get(code="1.1")
    message = refused(
        actions.mark, cast.ba_dinh_officer, emu.ba_dinh, stranger, Stage.SELF, 5, evidence="/x/"
    )
    assert message == "Tiêu chí không thuộc bộ tiêu chí của đợt chấm này."
    # a card locked after review refuses every further mark
    self_mark(cast, emu, emu.ba_dinh, {"1.1": 9, "2.1": 20, "2.2": 5, "2.3": 0})
    actions.move_scorecard(cast.ba_dinh_officer, emu.ba_dinh, "sent")
    for code, score in {"1.1": 9, "2.1": 20, "2.2": 5, "2.3": 0}.items():
        actions.mark(cast.ngoc_ha_officer, emu.ba_dinh, emu.crit[code], Stage.CROSS, score)
    actions.move_scorecard(cast.ngoc_ha_officer, emu.ba_dinh, "crossed")
    actions.move_scorecard(cast.hn_manager, emu.ba_dinh, "locked")
    before = emu.ba_dinh.marks.count()
    assert "đã được thẩm định và khóa" in refused(
        actions.mark, cast.hn_manager, emu.ba_dinh, emu.crit["1.1"], Stage.REVIEW, 8, reason="x"
    )
    assert emu.ba_dinh.marks.count() == before


def test_a_proposal_for_an_achievement_already_granted_is_refused(cast, emu):
    achievement = "Hoàn thành xuất sắc nhiệm vụ năm 2024"
    p = actions.propose_award(
        cast.ba_dinh_officer,
        proposer=cast.ba_dinh,
        grantor=cast.hanoi,
        kind=AwardKind.CERTIFICATE,
        year=YEAR,
        achievement=achievement,
        recipient_org=cast.ba_dinh,
    )
    actions.decide_award(cast.hn_manager, p, "granted", decision_number="30/QĐ-HCTĐ")
    message = refused(
        actions.propose_award,
        cast.hn_officer,
        proposer=cast.hanoi,
        grantor=cast.central,
        kind=AwardKind.FLAG,
        year=YEAR,
        achievement="  HOÀN THÀNH XUẤT SẮC nhiệm vụ năm 2024 ",
        recipient_org=cast.ba_dinh,
    )
    assert message == (
        "Thành tích này đã được đề nghị hoặc khen thưởng (Giấy khen, đã quyết định khen "
        "thưởng): mỗi thành tích chỉ được một hình thức khen thưởng."
    )
    assert AwardProposal.objects.count() == 1


def test_the_pledge_document_is_uploaded_on_the_cluster_page(cast, emu, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = login(cast.hn_officer)
    pledge = SimpleUploadedFile("giao-uoc.pdf", b"%PDF-1.4 giao uoc", "application/pdf")
    answer = client.post(
        f"/thi-dua/cum/{emu.cluster.pk}/luu/",
        {
            "pledge_date": "15/02/2024",
            "pledge_signatories": "Ba Đình\nNgọc Hà",
            "pledge_document": pledge,
        },
    )
    assert answer.status_code == 302
    term = ClusterTerm.objects.get(cluster=emu.cluster)
    assert term.pledge_document.name.startswith("emulation/giao-uoc/giao-uoc")
    assert term.pledge_document.read() == b"%PDF-1.4 giao uoc"
    page = client.get(f"/thi-dua/cum/{emu.cluster.pk}/").content.decode()
    assert "ký ngày 15/02/2024" in page and f'href="{term.pledge_document.url}"' in page
    # saved again without a file: the document stays
    client.post(f"/thi-dua/cum/{emu.cluster.pk}/luu/", {"pledge_date": "16/02/2024"})
    term.refresh_from_db()
    assert term.pledge_document.name.startswith("emulation/giao-uoc/giao-uoc")
