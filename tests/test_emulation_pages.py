"""Emulation through its pages and API, as users click: a member self-assesses with evidence,
another member cross-marks, the first replies, the owner's leader reviews and locks, the
ranking appears; the bad-input refusals reach the page; the workbook, the decision and the
home page's waiting work."""

import io
from datetime import date

import openpyxl
from docx import Document

from nhandao.emulation import actions
from nhandao.emulation.home import waiting as waiting_for
from nhandao.emulation.models import AwardKind, CardStatus, Mark
from tests.test_emulation import emu  # noqa: F401  (the fixture)


def test_the_whole_flow_through_the_pages(cast, emu, login):  # noqa: F811
    card = emu.ba_dinh
    officer = login(cast.ba_dinh_officer)
    page = officer.get(f"/thi-dua/bang-diem/{card.pk}/")
    assert page.status_code == 200 and "Tự chấm" in page.content.decode()
    # a mark above the maximum: the form again, the reason on the field, nothing written
    crit = emu.crit
    bad = officer.post(
        f"/thi-dua/bang-diem/{card.pk}/cham/",
        {"criterion": crit["1.1"].pk, "score": "12", "evidence": "/bao-cao/"},
    )
    assert bad.status_code == 422 and "vượt quá điểm tối đa 10" in bad.content.decode()
    assert not Mark.objects.exists()
    for code, score in {"1.1": "9", "2.1": "18,5", "2.2": "3", "2.3": "0"}.items():
        answer = officer.post(
            f"/thi-dua/bang-diem/{card.pk}/cham/",
            {"criterion": crit[code].pk, "score": score, "evidence": "/bao-cao/1/"},
        )
        assert answer.status_code == 302, answer.content.decode()[:3000]
    officer.post(f"/thi-dua/bang-diem/{card.pk}/chuyen/sent/")
    card.refresh_from_db()
    assert card.status == CardStatus.SENT
    mate = login(cast.ngoc_ha_officer)
    assert "Chấm chéo" in mate.get(f"/thi-dua/bang-diem/{card.pk}/").content.decode()
    for code, score in {"1.1": "8", "2.1": "18,5", "2.2": "3", "2.3": "0"}.items():
        mate.post(
            f"/thi-dua/bang-diem/{card.pk}/cham/",
            {
                "criterion": crit[code].pk,
                "score": score,
                "reason": "Thiếu biên bản" if code == "1.1" else "",
            },
        )
    mate.post(f"/thi-dua/bang-diem/{card.pk}/chuyen/crossed/")
    officer = login(cast.ba_dinh_officer)
    officer.post(
        f"/thi-dua/bang-diem/{card.pk}/cham/",
        {"criterion": crit["1.1"].pk, "score": "9", "reason": "Biên bản đã gửi bổ sung"},
    )
    officer.post(f"/thi-dua/bang-diem/{card.pk}/chuyen/replied/")
    leader = login(cast.hn_manager)
    leader.post(
        f"/thi-dua/bang-diem/{card.pk}/cham/",
        {"criterion": crit["1.1"].pk, "score": "9", "reason": "Chấp nhận phản hồi"},
    )
    leader.post(f"/thi-dua/bang-diem/{card.pk}/chuyen/locked/")
    card.refresh_from_db()
    assert card.status == CardStatus.LOCKED
    stages = list(
        Mark.objects.filter(criterion=crit["1.1"]).values_list("stage", "score", "by__username")
    )
    assert [(s, str(v), u) for s, v, u in stages] == [
        ("self", "9.00", "ba_dinh_officer"),
        ("cross", "8.00", "ngoc_ha_officer"),
        ("reply", "9.00", "ba_dinh_officer"),
        ("review", "9.00", "hn_manager"),
    ]
    board = leader.get(f"/thi-dua/dot/{emu.round.pk}/").content.decode()
    # (9 × 2 + 18,5 + 3 − 0) / 40 = 98,75
    assert "Hội Chữ thập đỏ Phường Ba Đình" in board and "98,75" in board and "Xuất sắc" in board
    workbook = openpyxl.load_workbook(
        io.BytesIO(leader.get(f"/thi-dua/dot/{emu.round.pk}/tai/xlsx/").content)
    )
    rows = list(workbook["Xếp hạng"].values)
    assert rows[1][:4] == (1, "Hội Chữ thập đỏ Phường Ba Đình", 98.75, "Xuất sắc")
    assert len(list(workbook["Điểm chấm"].values)) == 1 + 4 + 4 + 1 + 1


def test_the_api_marks_and_ranks_with_the_same_rules(cast, emu, login):  # noqa: F811
    client = login(cast.ba_dinh_officer)
    url = f"/api/emulation/scorecards/{emu.ba_dinh.pk}/marks"
    bad = client.post(
        url, {"criterion": "1.1", "score": "11", "evidence": "/x/"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "vượt quá" in bad.json()["detail"]
    unknown = client.post(url, {"criterion": "9.9", "score": "1"}, content_type="application/json")
    assert unknown.status_code == 422 and "criterion" in unknown.json()["errors"]
    ok = client.post(url, {"criterion": "2.1", "score": "10"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["result"]["score"] == "25.00"  # 10 / 40
    ranking = client.get(f"/api/emulation/rounds/{emu.round.pk}/ranking").json()
    assert [r["score"] for r in ranking] == ["25.00", "0.00"]
    assert (
        login(cast.tq_officer).get(f"/api/emulation/scorecards/{emu.ba_dinh.pk}").status_code == 404
    )


def test_home_shows_marks_due_replies_and_proposals_to_decide(cast, emu):  # noqa: F811
    labels = {w.label: w.count for w in waiting_for(cast.ba_dinh_officer)}
    assert labels["Bảng điểm thi đua cần tự chấm"] == 1
    actions.propose_award(
        cast.ba_dinh_officer,
        proposer=cast.ba_dinh,
        grantor=cast.hanoi,
        kind=AwardKind.CERTIFICATE,
        year=2024,
        achievement="Hoàn thành xuất sắc",
        recipient_org=cast.ba_dinh,
    )
    labels = {w.label: w.count for w in waiting_for(cast.hn_manager)}
    assert labels["Đề nghị khen thưởng chờ quyết định"] == 1


def test_the_decision_is_a_word_file_in_the_decree_30_layout(cast, emu, login):  # noqa: F811
    p = actions.propose_award(
        cast.ba_dinh_officer,
        proposer=cast.ba_dinh,
        grantor=cast.hanoi,
        kind=AwardKind.MERIT,
        year=2024,
        achievement="Dẫn đầu cụm thi đua",
        recipient_org=cast.ba_dinh,
    )
    actions.decide_award(cast.hn_manager, p, "granted", decision_number="15/QĐ-HCTĐ")
    answer = login(cast.hn_manager).get(f"/thi-dua/khen-thuong/{p.pk}/quyet-dinh.docx")
    text = "\n".join(x.text for x in Document(io.BytesIO(answer.content)).paragraphs)
    assert "QUYẾT ĐỊNH" in text and "Về việc tặng Bằng khen" in text
    assert "Điều 1. Tặng Bằng khen cho Hội Chữ thập đỏ Phường Ba Đình" in text
    cells = Document(io.BytesIO(answer.content)).tables[0]._cells
    assert any("Số: 15/QĐ-HCTĐ" in c.text for c in cells)
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in c.text for c in cells)


def test_a_nomination_without_consent_is_refused_on_the_page(cast, login):
    client = login(cast.ba_dinh_officer)
    answer = client.post(
        "/thi-dua/nguoi-tot/de-cu/",
        {
            "nominator": "CTD-X4",
            "year": "2024",
            "name": "Trần Thị Bình",
            "story": "Hiến máu 30 lần",
        },
    )
    assert answer.status_code == 422 and "Cần sự đồng ý công khai" in answer.content.decode()
    ok = client.post(
        "/thi-dua/nguoi-tot/de-cu/",
        {
            "nominator": "CTD-X4",
            "year": "2024",
            "name": "Trần Thị Bình",
            "story": "Hiến máu 30 lần",
            "consent": "on",
        },
    )
    assert ok.status_code == 302


def test_cluster_page_saves_the_chair_and_opens_rounds(cast, emu, login):  # noqa: F811
    client = login(cast.hn_officer)
    answer = client.post(f"/thi-dua/cum/{emu.cluster.pk}/luu/", {"chair": "CTD-8"})
    assert answer.status_code == 422  # Tuyên Quang is not a member: the picker refuses it
    answer = client.post(
        f"/thi-dua/cum/{emu.cluster.pk}/luu/",
        {"chair": "CTD-X4", "vice_chair": "CTD-X8", "pledge_date": "20/02/2024"},
    )
    assert answer.status_code == 302
    emu.cluster.term.refresh_from_db()
    assert emu.cluster.term.pledge_date == date(2024, 2, 20)
    page = client.get(f"/thi-dua/cum/{emu.cluster.pk}/").content.decode()
    assert "Cụm trưởng: Hội Chữ thập đỏ Phường Ba Đình" in page
    again = client.post(
        f"/thi-dua/cum/{emu.cluster.pk}/mo-dot/", {"kind": "yearend", "self_deadline": "31/12/2026"}
    )
    assert again.status_code == 422 and "đã có đợt tổng kết năm" in again.content.decode()


def test_criteria_are_written_in_the_app_and_frozen_once_marking_starts(cast, login):
    client = login(cast.hn_manager)
    answer = client.post(
        "/thi-dua/tieu-chi/lap/",
        {"owner": "CTD-1", "year": "2025", "name": "Tiêu chí các phường 2025"},
    )
    assert answer.status_code == 302
    version_url = answer["Location"]
    assert (
        client.post(version_url + "them-phan/", {"number": "I", "title": "Tổ chức"}).status_code
        == 302
    )
    twice = client.post(version_url + "them-phan/", {"number": "I", "title": "Lặp"})
    assert twice.status_code == 422 and "đã có phần I" in twice.content.decode()
    section = client.get(version_url).context["sections"][0]
    added = client.post(
        version_url + "them/",
        {
            "section": section.pk,
            "number": "1.1",
            "name": "Hội viên mới",
            "max_score": "10",
            "weight": "1",
            "kind": "standard",
            "evidence": "link",
            "formula": "total_value",
            "full_at": "1000000",
        },
    )
    assert added.status_code == 302
    bad = client.post(
        version_url + "them/",
        {
            "section": section.pk,
            "number": "1.2",
            "name": "Sai",
            "max_score": "10",
            "weight": "1",
            "kind": "standard",
            "evidence": "none",
            "formula": "total_value +",
        },
    )
    assert (
        bad.status_code == 422 and "Công thức “total_value +” không hợp lệ" in bad.content.decode()
    )
    assert client.post(version_url + "chuyen/published/").status_code == 302
    page = client.get(version_url).content.decode()
    assert "Đã công bố" in page and "Thêm tiêu chí" not in page
