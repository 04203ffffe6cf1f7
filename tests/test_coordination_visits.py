"""A supervision's visits and checklist results entered on its page (issue #21): the team
records them; bad input is refused in words and writes nothing; the supervised side and
anyone else cannot."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from nhandao.coordination import actions
from nhandao.coordination.models import ChecklistItem, Visit
from nhandao.lib.errors import Refused

TODAY = timezone.localdate()


@pytest.fixture
def plan(cast):
    return actions.create_plan(
        cast.front_manager, organisation=cast.front, supervised=cast.ba_dinh,
        title="Giám sát quỹ bão Yagi", subject="funds",
        period_start=date(2024, 9, 1), period_end=date(2024, 12, 31),
        access_from=TODAY - timedelta(days=1), access_until=TODAY + timedelta(days=20),
    )  # fmt: skip


def test_the_team_records_a_visit_and_the_checklist_results_on_the_page(cast, plan, login):
    team = login(cast.front_manager)
    url = f"/giam-sat/{plan.pk}/"
    page = team.get(url).content.decode()
    assert 'id="visit-form"' in page and 'id="checklist-form"' in page
    done = team.post(f"{url}buoi-lam-viec/", {
        "held_on": TODAY.strftime("%d/%m/%Y"), "place": "Trụ sở Hội CTĐ phường Ba Đình",
        "note": "Làm việc với kế toán, xem sổ quỹ",
    })  # fmt: skip
    assert done.status_code == 302
    late = team.post(f"{url}buoi-lam-viec/", {
        "held_on": (TODAY + timedelta(days=40)).strftime("%d/%m/%Y"), "place": "Phường",
    })  # fmt: skip
    assert late.status_code == 422 and "Buổi làm việc phải trong thời gian" in late.content.decode()
    assert Visit.objects.filter(plan=plan).count() == 1
    first, second = plan.checklist.all()[:2]
    done = team.post(f"{url}tieu-chi/", {f"c{first.pk}": "ok", f"c{second.pk}": "not_ok"})
    assert done.status_code == 302
    results = dict(plan.checklist.values_list("pk", "result"))
    assert results[first.pk] == "ok" and results[second.pk] == "not_ok"
    bad = team.post(f"{url}tieu-chi/", {f"c{first.pk}": "na", f"c{second.pk}": "tot"})
    assert bad.status_code == 422
    assert ChecklistItem.objects.get(pk=first.pk).result == "ok"  # nothing partial
    shown = team.get(url).content.decode()
    assert "Trụ sở Hội CTĐ phường Ba Đình" in shown
    # the supervised side sees the results, without the team's forms; it cannot post them
    supervised = login(cast.ba_dinh_officer)
    page = supervised.get(url).content.decode()
    assert 'id="checklist-form"' not in page and "Chưa đạt" in page
    assert supervised.post(f"{url}tieu-chi/", {f"c{first.pk}": "na"}).status_code == 403
    assert login(cast.tq_officer).post(f"{url}buoi-lam-viec/", {}).status_code == 404


def test_a_result_for_a_criterion_of_another_plan_or_a_closed_plan_is_refused(cast, plan):
    other = actions.create_plan(
        cast.front_manager, organisation=cast.front, supervised=cast.ngoc_ha,
        title="Giám sát khác", subject="funds", period_start=date(2024, 9, 1),
        period_end=date(2024, 12, 31), access_from=TODAY, access_until=TODAY,
    )  # fmt: skip
    foreign = other.checklist.first()
    mine = plan.checklist.first()
    with pytest.raises(Refused, match="không thuộc đợt giám sát này"):
        actions.set_checklist_results(cast.front_manager, plan, {mine.pk: "ok", foreign.pk: "ok"})
    assert ChecklistItem.objects.get(pk=mine.pk).result == ""
    with pytest.raises(Refused, match="không hợp lệ"):
        actions.set_checklist_results(cast.front_manager, plan, {mine.pk: "good"})
    actions.close_plan(cast.front_manager, plan, conclusion="Đơn vị thực hiện đúng quy định")
    with pytest.raises(Refused, match="đã kết thúc"):
        actions.set_checklist_results(cast.front_manager, plan, {mine.pk: "ok"})
