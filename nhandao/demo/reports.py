"""Demo reports: the last half-year that has ended, for Hà Nội's Red Cross and its communes,
in the states a province leader meets in real life — most communes approved, one returned
with a comment, the demo commune's own report still a draft (past its due date, for the
commune officer to finish and send), and the province's report waiting on them."""

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from nhandao.reports import actions, building


def last_half_year(today: date) -> str:
    return f"{today.year}-H1" if today.month >= 7 else f"{today.year - 1}-H2"


def seed(actor, network) -> None:
    User = get_user_model()
    seed_province(
        actor,
        network["rc_province"]["1"],
        leader=User.objects.get(username="hn.lanhdao"),
        draft=User.objects.get(username="xa.canbo").roles.first().organisation,
        returned=User.objects.get(username="xa2.canbo").roles.first().organisation,
        period=last_half_year(timezone.localdate()),
    )


def seed_province(actor, province, *, leader, draft, returned, period) -> None:
    report = actions.open_report(actor, province, period)
    for i, child in enumerate(building.children_status(report)):
        org = child.organisation
        report = actions.open_report(actor, org, period)
        # targets set by the province (shown beside the values with "% đạt")
        actions.set_targets(leader, org, period, {"state_budget": 10_000_000})
        if org.pk == draft.pk:
            actions.save_entries(actor, report, {"state_budget": 12_000_000},
                                 {"Kết quả đạt được": "Đang tổng hợp."})  # fmt: skip
            continue
        narrative = {
            "Kết quả đạt được": "Vận động Tháng Nhân đạo, trao quà cho hộ nghèo, hộ cận nghèo.",
            "Nhiệm vụ trọng tâm kỳ tới": "Chuẩn bị Tết Nhân ái; rà soát danh sách đối tượng.",
        }
        values = {"state_budget": 8_000_000 + 1_500_000 * (i % 5), "houses": i % 3}
        actions.save_entries(actor, report, values, narrative)
        report = actions.submit(actor, report)
        if org.pk == returned.pk:
            actions.return_report(leader, report, "Bổ sung số nhà nhân đạo đã sửa chữa.")
        elif not building.children_of(org, building.period_of(report)):
            actions.approve(leader, report)  # one with chapters below waits for them
