"""Leadership posts with dates (issue #20 item 7): who holds which post in an organisation,
from when to when, by which decision. One Chủ tịch at a time per organisation on any day;
the same person does not hold the same post twice at once. Atomic, audited; callers fetched
the organisation or the post through orgs/access.py and people/lookups.py."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from nhandao.audit.actions import record, snapshot
from nhandao.lib.errors import Refused
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.people.models import (
    POST_ORDER,
    Individual,
    IndividualStatus,
    LeadershipPost,
    PostKind,
)

FIELDS = ["individual", "organisation", "post", "started_on", "ended_on", "decision", "end_note"]


def _dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "nay"


def _overlapping(organisation, post: str, start: date, end: date | None, exclude=None):
    """Posts of `post` at `organisation` whose period meets [start, end] (end None: open)."""
    rows = LeadershipPost.objects.filter(organisation=organisation, post=post).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    if end is not None:
        rows = rows.filter(started_on__lte=end)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows.select_related("individual").order_by("started_on", "pk")


def _check(individual, organisation, post, started_on, ended_on, exclude=None) -> None:
    """The rules of a term, for a new one and a corrected one (`exclude`: the term being
    corrected, which does not clash with itself). Locks the organisation's row, so two
    terms are checked one after the other."""
    if post not in PostKind.values:
        raise Refused("Hãy chọn chức vụ.", field="post")
    if individual.status != IndividualStatus.ACTIVE:
        raise Refused("Hồ sơ này đã được gộp vào hồ sơ khác: hãy chọn hồ sơ được giữ.",
                      field="individual")  # fmt: skip
    today = timezone.localdate()
    if started_on > today:
        raise Refused("Ngày nhận chức không được sau hôm nay.", field="started_on")
    if ended_on is not None and ended_on < started_on:
        raise Refused("Ngày thôi giữ chức không được trước ngày nhận chức.", field="ended_on")
    if ended_on is not None and ended_on > today:
        raise Refused("Ngày thôi giữ chức không được sau hôm nay.", field="ended_on")
    if organisation.valid_from and started_on < organisation.valid_from:
        raise Refused(f"“{organisation}” hoạt động từ {_dmy(organisation.valid_from)}.",
                      field="started_on")  # fmt: skip
    last_day = organisation.valid_to
    if last_day is not None and (ended_on is None or ended_on > last_day):
        raise Refused(f"“{organisation}” ngừng hoạt động từ {_dmy(last_day)}: chỉ ghi được "
                      "nhiệm kỳ đã kết thúc trước ngày đó.", field="ended_on")  # fmt: skip
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one at a time
    label = PostKind(post).label
    if post == PostKind.CHAIR:
        clash = _overlapping(organisation, post, started_on, ended_on, exclude).first()
        if clash is not None:
            raise Refused(
                f"“{organisation}” đã có Chủ tịch {clash.individual.full_name} từ "
                f"{_dmy(clash.started_on)} đến {_dmy(clash.ended_on)}: mỗi lúc chỉ một Chủ tịch. "
                "Hãy ghi ngày thôi giữ chức của người đó trước.",
                field="started_on",
            )
    same = _overlapping(organisation, post, started_on, ended_on, exclude).filter(
        individual=individual
    )
    if (clash := same.first()) is not None:
        raise Refused(f"{individual.full_name} đang là {label} của “{organisation}” từ "
                      f"{_dmy(clash.started_on)}.", field="individual")  # fmt: skip


@transaction.atomic
def appoint(
    actor,
    individual: Individual,
    organisation: Organisation,
    *,
    post: str,
    started_on: date,
    ended_on: date | None = None,
    decision: str = "",
) -> LeadershipPost:
    """Record that `individual` holds `post` at `organisation` from `started_on` (until
    `ended_on`, when a past term is entered). Refuses a second Chủ tịch on any shared day."""
    access.require(actor, "edit", organisation, "Bạn không có quyền ghi chức vụ ở tổ chức này.")
    _check(individual, organisation, post, started_on, ended_on)
    try:
        with transaction.atomic():
            held = LeadershipPost.objects.create(
                individual=individual, organisation=organisation, post=post,
                started_on=started_on, ended_on=ended_on, decision=decision.strip()[:100],
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )  # fmt: skip
    except IntegrityError:
        raise Refused(f"“{organisation}” vừa có Chủ tịch khác được ghi: mỗi lúc chỉ một "
                      "Chủ tịch.", field="started_on") from None  # fmt: skip
    record(actor, "people.leader_appoint", held, organisation=organisation,
           after=snapshot(held, FIELDS))  # fmt: skip
    return held


@transaction.atomic
def correct_post(actor, held: LeadershipPost, *, individual: Individual, started_on: date,
                 ended_on: date | None, decision: str, reason: str) -> LeadershipPost:  # fmt: skip
    """Correct a term entered wrong (its holder, its dates, its decision), with a reason:
    the same rules as a new term, the term itself not counted as a clash. The old values
    stay in the audit log (before → after, with the reason)."""
    held = LeadershipPost.objects.select_for_update().select_related("organisation").get(pk=held.pk)
    organisation = held.organisation
    access.require(actor, "edit", organisation, "Bạn không có quyền sửa chức vụ ở tổ chức này.")
    reason = " ".join((reason or "").split())[:255]
    if not reason:
        raise Refused("Hãy ghi lý do sửa (ví dụ: ghi nhầm ngày theo quyết định).", field="reason")
    decision = decision.strip()[:100]
    changed = (individual.pk, started_on, ended_on, decision) != (
        held.individual_id, held.started_on, held.ended_on, held.decision)  # fmt: skip
    if not changed:
        raise Refused("Không có gì thay đổi so với nhiệm kỳ đã ghi.")
    _check(individual, organisation, held.post, started_on, ended_on, exclude=held)
    before = snapshot(held, FIELDS)
    held.individual, held.started_on, held.ended_on = individual, started_on, ended_on
    held.decision = decision
    try:
        with transaction.atomic():
            held.save(update_fields=["individual", "started_on", "ended_on", "decision"])
    except IntegrityError:
        raise Refused(f"“{organisation}” vừa có Chủ tịch khác được ghi: mỗi lúc chỉ một "
                      "Chủ tịch.", field="ended_on") from None  # fmt: skip
    record(actor, "people.leader_correct", held, organisation=organisation, before=before,
           after=snapshot(held, FIELDS) | {"reason": reason})  # fmt: skip
    return held


@transaction.atomic
def end_post(actor, held: LeadershipPost, *, ended_on: date, note: str = "") -> LeadershipPost:
    """The last day `held` was held."""
    held = LeadershipPost.objects.select_for_update().select_related("organisation").get(pk=held.pk)
    access.require(actor, "edit", held.organisation, "Bạn không có quyền ghi chức vụ ở đây.")
    if held.ended_on is not None:
        raise Refused(f"Chức vụ này đã kết thúc ngày {_dmy(held.ended_on)}.")
    if ended_on < held.started_on:
        raise Refused(f"Ngày thôi giữ chức không được trước ngày nhận chức "
                      f"({_dmy(held.started_on)}).", field="ended_on")  # fmt: skip
    if ended_on > timezone.localdate():
        raise Refused("Ngày thôi giữ chức không được sau hôm nay.", field="ended_on")
    before = snapshot(held, FIELDS)
    held.ended_on, held.end_note = ended_on, note.strip()[:255]
    held.save(update_fields=["ended_on", "end_note"])
    record(actor, "people.leader_end", held, organisation=held.organisation, before=before,
           after=snapshot(held, FIELDS))  # fmt: skip
    return held


def _ranked(rows):
    return sorted(rows, key=lambda p: (POST_ORDER.get(p.post, 99), p.started_on, p.pk))


def leaders_on(organisation: Organisation, day: date) -> list[LeadershipPost]:
    """Who held a post at `organisation` on `day`, Chủ tịch first."""
    rows = LeadershipPost.objects.filter(organisation=organisation).on(day)
    return _ranked(rows.select_related("individual"))


def history(organisation: Organisation) -> list[LeadershipPost]:
    """Every term at `organisation`, newest first (who led it when)."""
    return list(
        LeadershipPost.objects.filter(organisation=organisation)
        .select_related("individual")
        .order_by("-started_on", "pk")
    )
