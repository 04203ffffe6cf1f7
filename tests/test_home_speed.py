# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""What made the home page slow (issue #16) stays fixed: its campaign deadlines cost the same
queries for 1 or 6 open campaigns, and read an extension exactly as a campaign alone does; the
count of duplicate groups is cached per scope and follows every change of the queue."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nhandao.beneficiaries import actions as registry
from nhandao.beneficiaries import review
from nhandao.beneficiaries.models import MatchCandidate
from nhandao.campaigns import home
from nhandao.campaigns.actions import extend_receiving
from nhandao.campaigns.models import Campaign
from tests.test_access_area import commune
from tests.test_cockpit import waiting_of
from tests.test_relief_fixtures import make_campaign

DUPLICATES = "Nhóm hồ sơ có thể trùng cần xem"


def _queries(user):
    with CaptureQueriesContext(connection) as captured:
        home.waiting(user)
        home.late(user, user.roles.first().organisation)
    return len(captured)


def test_the_deadlines_cost_no_query_per_campaign(cast):
    today = timezone.localdate()

    def campaign(n):
        c = make_campaign(
            cast.root, cast.ba_dinh, code=f"BD-{n}", kind="movement",
            launch=today - timedelta(days=10), receiving_end=today + timedelta(days=5),
        )  # fmt: skip
        extend_receiving(
            cast.root, c, new_receiving_end=today + timedelta(days=6 + n),
            decided_by=cast.hanoi, decision_ref=f"QĐ-{n}", decided_on=today,
        )  # fmt: skip

    campaign(0)
    _queries(cast.hn_manager)  # the user's roles, read once
    one = _queries(cast.hn_manager)
    for n in range(1, 6):
        campaign(n)
    assert _queries(cast.hn_manager) == one


def test_a_campaign_read_with_its_deadlines_has_the_same_deadlines_as_alone(cast):
    today = timezone.localdate()
    c = make_campaign(cast.root, cast.hanoi, code="HN-X", kind="appeal", launch=today,
                      receiving_end=today + timedelta(days=90))  # fmt: skip
    plain = Campaign.objects.get(pk=c.pk)
    read = Campaign.objects.with_deadlines().get(pk=c.pk)
    assert read.receiving_closes_on() == plain.receiving_closes_on()
    assert read.distribution_closes_on() == plain.distribution_closes_on()
    extend_receiving(cast.root, c, new_receiving_end=today + timedelta(days=120),
                     decided_by=cast.central, decision_ref="QĐ-1", decided_on=today)  # fmt: skip
    plain = Campaign.objects.get(pk=c.pk)
    read = Campaign.objects.with_deadlines().get(pk=c.pk)
    assert plain.max_receiving_end() == today + timedelta(days=120)
    assert read.max_receiving_end() == plain.max_receiving_end()
    assert read.distribution_closes_on() == plain.distribution_closes_on()


def _pair(cast, name):
    place = {"organisation": cast.ba_dinh, "commune": commune("4")}
    a, b = (registry.create_person(cast.root, full_name=name, **place) for _ in range(2))
    return MatchCandidate.objects.create(
        person_a=a, person_b=b, score=0.99, method="splink", reasons={"Tên": "giống"}
    )


def test_the_duplicate_count_is_cached_and_follows_each_change_of_the_queue(
    cast, login, monkeypatch
):
    first = _pair(cast, "Phạm Thị Thu")
    client = login(cast.ba_dinh_officer)
    assert waiting_of(client)[DUPLICATES] == 1
    computed = []
    original = review.groups_for
    monkeypatch.setattr(review, "groups_for", lambda user: computed.append(user) or original(user))
    assert waiting_of(client)[DUPLICATES] == 1
    assert computed == []  # read from the cache
    _pair(cast, "Đỗ Văn Hải")  # a new pair (signal)
    assert waiting_of(client)[DUPLICATES] == 2
    registry.mark_distinct(cast.ba_dinh_officer, first)  # a decision
    assert waiting_of(client)[DUPLICATES] == 1
    # a bulk change past the signals, then the hook its writer calls
    MatchCandidate.objects.update(status="distinct")
    assert waiting_of(client)[DUPLICATES] == 1  # stale until told (at most COUNT_TTL seconds)
    review.queue_changed()
    assert DUPLICATES not in waiting_of(client)


def test_users_with_other_roles_do_not_share_a_count(cast, login):
    _pair(cast, "Phạm Thị Thu")
    assert waiting_of(login(cast.ba_dinh_officer))[DUPLICATES] == 1
    assert DUPLICATES not in waiting_of(login(cast.tq_officer))
