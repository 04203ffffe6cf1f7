"""Volunteers, their teams and shifts; hours come from attended shifts only (issue #20)."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.lib.errors import Refused
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.people import privacy
from nhandao.people.models import (
    VOLUNTEER_MIN_AGE,
    Attendance,
    Language,
    Shift,
    ShiftSignup,
    Skill,
    Team,
    Volunteer,
    VolunteerRank,
)


@transaction.atomic
def register(actor, individual, organisation, *, since: date, skills="", availability=""):
    access.require(actor, "edit", organisation)
    privacy.refuse_if_restricted(individual, "đăng ký làm tình nguyện viên")
    age = individual.age_on(since)
    if age is None or age < VOLUNTEER_MIN_AGE:
        raise Refused(
            f"Tình nguyện viên phải từ {VOLUNTEER_MIN_AGE} tuổi trở lên"
            + (f"; {individual.full_name} {age} tuổi vào ngày {since:%d/%m/%Y}." if age is not None
               else ": cần có ngày sinh."),
            field="individual",
        )  # fmt: skip
    if Volunteer.objects.filter(individual=individual).exists():
        raise Refused(f"{individual.full_name} đã là tình nguyện viên.", field="individual")
    volunteer = Volunteer.objects.create(
        individual=individual,
        organisation=organisation,
        since=since,
        skills=skills,
        availability=availability,
    )
    record(actor, "people.volunteer_register", volunteer, organisation=organisation)
    return volunteer


@transaction.atomic
def create_team(actor, organisation, *, name: str, kind: str, members=()) -> Team:
    access.require(actor, "edit", organisation)
    team = Team.objects.create(organisation=organisation, name=name, kind=kind)
    team.members.set(members)
    record(actor, "people.team_create", team, organisation=organisation)
    return team


@transaction.atomic
def add_shift(actor, team: Team, *, activity: str, starts_at, ends_at, places=10) -> Shift:
    access.require(actor, "edit", team.organisation)
    if ends_at <= starts_at:
        raise Refused("Giờ kết thúc phải sau giờ bắt đầu.", field="ends_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise Refused("Một ca không dài quá 24 giờ.", field="ends_at")
    shift = Shift.objects.create(
        team=team,
        organisation=team.organisation,
        activity=activity,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
    )
    record(actor, "people.shift_create", shift, organisation=team.organisation)
    return shift


@transaction.atomic
def sign_up(actor, shift: Shift, volunteer: Volunteer) -> ShiftSignup:
    access.require(actor, "edit", shift.organisation)
    privacy.refuse_if_restricted(volunteer.individual, "xếp vào ca trực")
    day = timezone.localtime(shift.starts_at).date()
    age = volunteer.individual.age_on(day)
    if age is None or age < VOLUNTEER_MIN_AGE:
        raise Refused(
            f"{volunteer} chưa đủ {VOLUNTEER_MIN_AGE} tuổi vào ngày {day:%d/%m/%Y}: "
            "không đăng ký ca trực được.",
            field="volunteer",
        )
    if volunteer.organisation_id != shift.organisation_id:
        raise Refused(f"{volunteer} không thuộc {shift.organisation}.", field="volunteer")
    if shift.signups.filter(volunteer=volunteer).exists():
        raise Refused(f"{volunteer} đã đăng ký ca này.")
    if shift.signups.count() >= shift.places:
        raise Refused("Ca này đã đủ người.")
    return ShiftSignup.objects.create(shift=shift, volunteer=volunteer)


@transaction.atomic
def record_attendance(actor, shift: Shift, present: list, absent: list = ()) -> list[str]:
    """Mark who came and who did not, after the shift started. Someone present who had not
    signed up is accepted, flagged as a walk-in; the flags are returned as warnings."""
    access.require(actor, "edit", shift.organisation)
    if shift.starts_at > timezone.now():
        raise Refused("Chỉ ghi điểm danh khi ca đã bắt đầu.")
    warnings = []
    for volunteer in present:
        signup, created = ShiftSignup.objects.get_or_create(
            shift=shift, volunteer=volunteer, defaults={"walk_in": True}
        )
        if created:
            warnings.append(f"{volunteer} có mặt nhưng chưa đăng ký: đã ghi nhận, đánh dấu.")
        signup.status = Attendance.ATTENDED
        signup.save(update_fields=["status"])
    for volunteer in absent:
        updated = shift.signups.filter(volunteer=volunteer).update(status=Attendance.NO_SHOW)
        if not updated:
            raise Refused(f"{volunteer} không đăng ký ca này: không ghi vắng được.")
    record(
        actor,
        "people.shift_attendance",
        shift,
        organisation=shift.organisation,
        after={"present": [v.pk for v in present], "absent": [v.pk for v in absent]},
    )
    return warnings


HOURS = ExpressionWrapper(F("shift__ends_at") - F("shift__starts_at"), output_field=DurationField())


def hours(signups) -> float:
    """Hours of the attended shifts among `signups` (a ShiftSignup queryset)."""
    total = signups.filter(status=Attendance.ATTENDED).aggregate(t=Sum(HOURS))["t"]
    return round(total.total_seconds() / 3600, 2) if total else 0.0


def volunteer_hours(volunteer: Volunteer) -> float:
    return hours(volunteer.signups.all())


def shifts_this_week(shifts, today=None):
    """Shifts of `shifts` from Monday to Sunday of the week of `today`."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    start = timezone.make_aware(datetime.combine(monday, time.min))
    return shifts.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=7))


# ---- skills, languages, ranks --------------------------------------------------------------


@transaction.atomic
def set_skills(actor, volunteer: Volunteer, *, skills: list, languages: list,
               availability: str = "") -> Volunteer:  # fmt: skip
    """The volunteer's skills and languages, chosen from the lists (so they can be searched
    and counted), and when they can take part."""
    access.require(actor, "edit", volunteer.organisation)
    unknown = [s for s in skills if s not in Skill.values]
    if unknown:
        raise Refused(f"Kỹ năng không có trong danh sách: {', '.join(unknown)}.", field="skills")
    unknown = [x for x in languages if x not in Language.values]
    if unknown:
        raise Refused(f"Ngôn ngữ không có trong danh sách: {', '.join(unknown)}.",
                      field="languages")  # fmt: skip
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    before = {"skills": volunteer.skill_tags, "languages": volunteer.languages,
              "availability": volunteer.availability}  # fmt: skip
    volunteer.skill_tags = [s for s in Skill.values if s in skills]
    volunteer.languages = [x for x in Language.values if x in languages]
    volunteer.availability = availability.strip()[:255]
    volunteer.save(update_fields=["skill_tags", "languages", "availability"])
    record(actor, "people.volunteer_skills", volunteer, organisation=volunteer.organisation,
           before=before, after={"skills": volunteer.skill_tags, "languages": volunteer.languages,
                                 "availability": volunteer.availability})  # fmt: skip
    return volunteer


def year_record(volunteer: Volunteer, year: int) -> tuple[float, int]:
    """(hours, shifts) attended in `year` (by the shift's start), from attendance only."""
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    attended = volunteer.signups.filter(
        status=Attendance.ATTENDED, shift__starts_at__gte=start, shift__starts_at__lt=end
    )
    return hours(attended), attended.count()


def rank_for(hours_done: float, shifts_done: int) -> VolunteerRank | None:
    """The highest rank whose criteria are both met."""
    for rank in VolunteerRank.objects.all():  # highest first
        if hours_done >= rank.min_hours and shifts_done >= rank.min_shifts:
            return rank
    return None


def rank_of(volunteer: Volunteer, year: int) -> dict:
    """The volunteer's rank in `year` with the figures behind it and what the next rank
    needs."""
    done_hours, done_shifts = year_record(volunteer, year)
    rank = rank_for(done_hours, done_shifts)
    ranks = list(VolunteerRank.objects.all())
    above = [r for r in ranks if rank is None or ranks.index(r) < ranks.index(rank)]
    nxt = above[-1] if above else None
    return {
        "year": year, "hours": done_hours, "shifts": done_shifts, "rank": rank, "next": nxt,
        "hours_to_next": max(0, nxt.min_hours - done_hours) if nxt else 0,
        "shifts_to_next": max(0, nxt.min_shifts - done_shifts) if nxt else 0,
    }  # fmt: skip


def search(volunteers, *, text: str = "", skill: str = "", language: str = "",
           availability: str = ""):  # fmt: skip
    """Volunteers whose name has every word of `text`, who have `skill` and `language`
    (values of Skill, Language), and whose availability has every word of `availability`
    — all without accents or case. The lists are JSON: matched as the quoted value in their
    text, which reads the same on SQLite and PostgreSQL."""
    for word in search_key(text).split():
        volunteers = volunteers.filter(individual__name_key__contains=word)
    for word in search_key(availability).split():
        volunteers = volunteers.filter(availability_key__contains=word)
    tagged = {"skill_text": ("skill_tags", skill), "language_text": ("languages", language)}
    for alias, (field, value) in tagged.items():
        if value:
            volunteers = volunteers.annotate(**{alias: Cast(field, TextField())}).filter(
                **{f"{alias}__contains": f'"{value}"'}
            )
    return volunteers
