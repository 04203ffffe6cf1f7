"""Leadership terms corrected (issue #20 item 7, remainder): the holder, the dates or the
decision of a term entered wrong, with a reason; audited with the old values; an overlap of
single-holder posts refused (the term itself never clashes with itself)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from nhandao.audit.models import AuditEvent
from nhandao.audit.words import change_lines
from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import leaders
from nhandao.people.models import LeadershipPost

D = date


def person(cast, name):
    return people.create_individual(cast.root, organisation=cast.ba_dinh, full_name=name,
                                    birth_date=D(1970, 1, 1))  # fmt: skip


@pytest.fixture
def terms(cast):
    a, b = person(cast, "Nguyễn Văn Trưởng"), person(cast, "Lê Thị Mới")
    old = leaders.appoint(cast.root, a, cast.ba_dinh, post="chair", started_on=D(2024, 1, 1),
                          ended_on=D(2025, 6, 30), decision="QĐ 1")  # fmt: skip
    new = leaders.appoint(cast.root, b, cast.ba_dinh, post="chair", started_on=D(2025, 7, 1),
                          decision="QĐ 2")  # fmt: skip
    return a, b, old, new


def test_a_term_is_corrected_with_a_reason_and_the_old_values_stay_in_the_log(cast, terms):
    a, b, old, new = terms
    fixed = leaders.correct_post(cast.ba_dinh_officer, new, individual=b,
                                 started_on=D(2025, 7, 15), ended_on=None, decision="QĐ 2/2025",
                                 reason="Ghi nhầm ngày theo quyết định")  # fmt: skip
    assert (fixed.started_on, fixed.decision) == (D(2025, 7, 15), "QĐ 2/2025")
    event = AuditEvent.objects.get(action="people.leader_correct")
    assert event.before["started_on"] == "2025-07-01" and event.after["started_on"] == "2025-07-15"
    assert event.after["reason"] == "Ghi nhầm ngày theo quyết định"
    words = " ".join(change_lines(event, event.changes()))
    assert "01/07/2025" in words and "15/07/2025" in words
    # the holder corrected: the other person, the history now names them
    c = person(cast, "Phạm Văn Đúng")
    leaders.correct_post(cast.root, new, individual=c, started_on=D(2025, 7, 15), ended_on=None,
                         decision="QĐ 2/2025", reason="Nhầm người")  # fmt: skip
    assert [p.individual.full_name for p in leaders.history(cast.ba_dinh)] == [
        "Phạm Văn Đúng", "Nguyễn Văn Trưởng"]  # fmt: skip


def test_corrections_that_would_overlap_or_say_nothing_are_refused(cast, terms):
    a, b, old, new = terms
    keep = {"individual": a, "decision": "QĐ 1", "reason": "Sửa"}
    # the old chair's end moved past the new chair's start: two chairs on a day
    with pytest.raises(Refused, match="đã có Chủ tịch Lê Thị Mới từ 01/07/2025 đến nay"):
        leaders.correct_post(cast.root, old, started_on=D(2024, 1, 1), ended_on=D(2025, 7, 1),
                             **keep)  # fmt: skip
    # reopening the old term (no end) while the new one runs: refused too
    with pytest.raises(Refused, match="mỗi lúc chỉ một Chủ tịch"):
        leaders.correct_post(cast.root, old, started_on=D(2024, 1, 1), ended_on=None, **keep)
    with pytest.raises(Refused, match="lý do sửa"):
        leaders.correct_post(cast.root, old, started_on=D(2024, 2, 1), ended_on=D(2025, 6, 30),
                             **(keep | {"reason": "  "}))  # fmt: skip
    with pytest.raises(Refused, match="Không có gì thay đổi"):
        leaders.correct_post(cast.root, old, started_on=D(2024, 1, 1), ended_on=D(2025, 6, 30),
                             **keep)  # fmt: skip
    with pytest.raises(Refused, match="không được trước ngày nhận chức"):
        leaders.correct_post(cast.root, old, started_on=D(2024, 1, 1), ended_on=D(2023, 6, 30),
                             **keep)  # fmt: skip
    with pytest.raises(PermissionDenied):
        leaders.correct_post(cast.ngoc_ha_officer, old, started_on=D(2024, 2, 1),
                             ended_on=D(2025, 6, 30), **keep)  # fmt: skip
    # its own dates moved inside its own period: no clash with itself
    leaders.correct_post(cast.root, old, started_on=D(2024, 2, 1), ended_on=D(2025, 6, 30), **keep)
    old.refresh_from_db()
    assert old.started_on == D(2024, 2, 1)
    assert AuditEvent.objects.filter(action="people.leader_correct").count() == 1
    assert LeadershipPost.objects.count() == 2


def test_the_correction_page_and_api(cast, login, terms):
    a, b, old, new = terms
    client = login(cast.ba_dinh_officer)
    form = client.get(f"/lanh-dao/{new.pk}/sua/").content.decode()
    assert "Lý do sửa" in form and "01/07/2025" in form
    html = client.get(f"/to-chuc/{cast.ba_dinh.pk}/").content.decode()
    assert f"/lanh-dao/{new.pk}/sua/" in html
    page = client.post(f"/lanh-dao/{new.pk}/sua/", {
        "individual": b.code, "started_on": "01/06/2025", "ended_on": "", "decision": "QĐ 2",
        "reason": "Theo quyết định gốc"})  # fmt: skip
    assert page.status_code == 200 and "mỗi lúc chỉ một Chủ tịch" in page.content.decode()
    page = client.post(f"/lanh-dao/{new.pk}/sua/", {
        "individual": b.code, "started_on": "02/07/2025", "ended_on": "", "decision": "QĐ 2",
        "reason": "Theo quyết định gốc"})  # fmt: skip
    assert page.status_code == 302
    answer = client.post(f"/api/people/leader-posts/{new.pk}/correct", {
        "individual_id": b.pk, "started_on": "2025-07-03", "decision": "QĐ 2",
        "reason": "Sửa lại"}, content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["started_on"] == "2025-07-03"
    clash = client.post(f"/api/people/leader-posts/{old.pk}/correct", {
        "individual_id": a.pk, "started_on": "2024-01-01", "reason": "x"},
        content_type="application/json")  # fmt: skip
    assert clash.status_code == 422 and "mỗi lúc chỉ một Chủ tịch" in clash.json()["detail"]
    assert login(cast.ngoc_ha_officer).get(f"/lanh-dao/{new.pk}/sua/").status_code == 404
