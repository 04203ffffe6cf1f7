"""Pages of volunteers, teams and shifts (issue #20). Thin: access (lookups.py) → one action
of people/volunteers.py. Hours are shown computed from attended shifts, never typed."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nhandao.lib import exports
from nhandao.lib.errors import Refused
from nhandao.lib.views import show_refused
from nhandao.orgs import access
from nhandao.people import certificates, forms, lookups
from nhandao.people import volunteers as vol
from nhandao.people.models import (
    Attendance,
    CourseResult,
    Language,
    Participant,
    ShiftSignup,
    Skill,
    Volunteer,
)
from nhandao.people.privacy import RESTRICTED_COLUMN, restricted_cell


@login_required
def team_list(request):
    access.require_anywhere(request.user, "view")
    teams = lookups.teams(request.user).select_related("organisation").order_by("name", "pk")
    week = vol.shifts_this_week(lookups.shifts(request.user)).select_related("team")
    return render(request, "people/team_list.html", {
        "teams": teams[:200], "week": week[:100],
        "can_import": access.can_anywhere(request.user, "edit"),
    })  # fmt: skip


@login_required
def volunteer_list(request):
    """The volunteers the user reaches, searched by name, skill, language and availability
    (accent-insensitive); the downloads carry the same search."""
    access.require_anywhere(request.user, "view")
    form = forms.VolunteerSearchForm(request.GET or None)
    found = vol.search(_reached(request.user), **(form.filters() if form.is_bound else {}))
    found = found.select_related("organisation", "individual").order_by(
        "individual__name_key", "pk")  # fmt: skip
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    skills, languages = dict(Skill.choices), dict(Language.choices)
    for v in page:
        v.skill_labels = [skills.get(x, x) for x in v.skill_tags]
        v.language_labels = [languages.get(x, x) for x in v.languages]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/volunteer_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
    })  # fmt: skip


def _reached(user):
    return Volunteer.objects.filter(access.reach_q(user, "view", via="organisation"))


EXPORT_LIMIT = 50_000
SIGNUP_HOURS = ExpressionWrapper(
    F("signups__shift__ends_at") - F("signups__shift__starts_at"), output_field=DurationField()
)


@login_required
def volunteer_export(request):
    """The volunteers the user reaches, as CSV (or ?format=xlsx): no personal data beyond the
    name; hours are those of attended shifts (computed, as on the volunteer's page)."""
    access.require_anywhere(request.user, "view")
    form = forms.VolunteerSearchForm(request.GET)  # the list's search, if any
    volunteers = (
        vol.search(_reached(request.user), **form.filters())
        .select_related("organisation", "individual")
        .annotate(attended=Sum(SIGNUP_HOURS, filter=Q(signups__status=Attendance.ATTENDED)))
        .prefetch_related("teams")
        .order_by("individual__name_key", "pk")[:EXPORT_LIMIT]
    )
    header = ["Mã", "Họ và tên", "Đơn vị", "Tham gia từ", "Đội, nhóm", "Kỹ năng, ngoại ngữ",
              "Số giờ tình nguyện", RESTRICTED_COLUMN]  # fmt: skip
    rows = (
        [v.individual.code, v.individual.full_name, v.organisation.name,
         v.since.strftime("%d/%m/%Y"), ", ".join(sorted(t.name for t in v.teams.all())),
         v.skills, round(v.attended.total_seconds() / 3600, 2) if v.attended else 0,
         restricted_cell(v.individual)]
        for v in volunteers
    )  # fmt: skip
    return exports.export_response(request, "tinh-nguyen-vien", header, rows)


@login_required
def team_detail(request, pk):
    team = lookups.get_team(request.user, pk)
    now = timezone.now()
    week = vol.shifts_this_week(team.shifts.all())
    coming = team.shifts.filter(starts_at__gte=now).exclude(pk__in=week.values("pk"))
    return render(request, "people/team_detail.html", {
        "team": team, "week": week, "coming": coming[:50],
        "members": team.members.select_related("individual").order_by("individual__name_key"),
    })  # fmt: skip


def _shift_page(request, shift, *, signup_form=None, walkin_form=None, status=200):
    user = request.user
    signups = shift.signups.select_related("volunteer__individual").order_by(
        "volunteer__individual__name_key"
    )
    can_edit = access.can(user, "edit", shift.organisation)
    return render(request, "people/shift_detail.html", {
        "shift": shift, "signups": signups, "can_edit": can_edit,
        "hours": vol.hours(shift.signups.all()),
        "length": round((shift.ends_at - shift.starts_at) / timedelta(hours=1), 2),
        "started": shift.starts_at <= timezone.now(),
        "signup_form": signup_form or (forms.ShiftSignupForm(actor=user, shift=shift)
                                       if can_edit else None),
        "walkin_form": walkin_form or (forms.WalkInForm(actor=user, shift=shift)
                                       if can_edit else None),
        "attendance": Attendance,
    }, status=status)  # fmt: skip


@login_required
def shift_detail(request, pk):
    return _shift_page(request, lookups.get_shift(request.user, pk))


@login_required
@require_POST
def shift_signup(request, pk):
    shift = lookups.get_shift(request.user, pk, "edit")
    form = forms.ShiftSignupForm(request.POST, actor=request.user, shift=shift)
    if form.is_valid():
        try:
            vol.sign_up(request.user, shift, form.cleaned_data["volunteer"].volunteer)
            messages.success(request, "Đã đăng ký ca trực.")
            return redirect("shift_detail", pk=shift.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    return _shift_page(request, shift, signup_form=form, status=422)


@login_required
@require_POST
def shift_attendance(request, pk):
    """One choice per signed-up volunteer (present / no-show) and perhaps a walk-in; any
    other field (hours, for one) is ignored: hours come from the shift's length."""
    shift = lookups.get_shift(request.user, pk, "edit")
    walkin = forms.WalkInForm(request.POST, actor=request.user, shift=shift)
    if not walkin.is_valid():
        return _shift_page(request, shift, walkin_form=walkin, status=422)
    present, absent = [], []
    for signup in ShiftSignup.objects.filter(shift=shift).select_related("volunteer__individual"):
        choice = request.POST.get(f"su-{signup.pk}", "")
        if choice == Attendance.ATTENDED:
            present.append(signup.volunteer)
        elif choice == Attendance.NO_SHOW:
            absent.append(signup.volunteer)
    if (person := walkin.cleaned_data.get("volunteer")) is not None:
        present.append(person.volunteer)
    try:
        for warning in vol.record_attendance(request.user, shift, present, absent):
            messages.warning(request, warning)
        messages.success(request, "Đã ghi điểm danh.")
    except Refused as exc:
        show_refused(request, exc)
    return redirect("shift_detail", pk=shift.pk)


@login_required
def volunteer_detail(request, pk):
    volunteer = lookups.get_volunteer(request.user, pk)
    signups = volunteer.signups.select_related("shift__team").order_by("-shift__starts_at")
    return render(request, "people/volunteer_detail.html", {
        "volunteer": volunteer, "signups": signups[:200], "hours": vol.volunteer_hours(volunteer),
        "teams": volunteer.teams.all(),
        "rank": vol.rank_of(volunteer, timezone.localdate().year),
        "skill_labels": [Skill(s).label for s in volunteer.skill_tags if s in Skill.values],
        "language_labels": [Language(x).label for x in volunteer.languages
                            if x in Language.values],
        "can_edit": access.can(request.user, "edit", volunteer.organisation),
    })  # fmt: skip


@login_required
def volunteer_skills(request, pk):
    volunteer = lookups.get_volunteer(request.user, pk, "edit")
    form = forms.VolunteerSkillsForm(request.POST or None, initial={
        "skills": volunteer.skill_tags, "languages": volunteer.languages,
        "availability": volunteer.availability})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            vol.set_skills(request.user, volunteer, **form.cleaned_data)
            messages.success(request, "Đã lưu kỹ năng, ngoại ngữ.")
            return redirect("volunteer_detail", pk=volunteer.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    return render(request, "people/form.html", {
        "title": f"Kỹ năng, ngoại ngữ: {volunteer}", "form": form, "submit": "Lưu",
        "back": reverse("volunteer_detail", args=[volunteer.pk]),
    })  # fmt: skip


@login_required
def certificate_docx(request, pk):
    """The certificate of a participant who passed (404 outside reach, refused otherwise)."""
    participant = lookups.get_participant(request.user, pk)
    if not participant.certificate_no:
        raise Http404("Chưa cấp chứng nhận.")
    url = request.build_absolute_uri(
        reverse("certificate_verify", args=[certificates.token(participant)])
    )
    response = HttpResponse(
        certificates.docx_bytes(participant, url),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = participant.certificate_no.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{name}.docx"'
    return response


def certificate_verify(request, token):
    """Public: name, course, valid until — nothing else."""
    try:
        pk = certificates.read_token(token)
        participant = Participant.objects.select_related("course", "individual").get(
            pk=pk, result=CourseResult.PASSED
        )
    except (signing.BadSignature, Participant.DoesNotExist):
        raise Http404("Giấy chứng nhận không hợp lệ.") from None
    if not participant.certificate_no:
        raise Http404("Giấy chứng nhận không hợp lệ.")
    today = timezone.localdate()
    return render(request, "people/certificate_verify.html", {
        "name": participant.individual.full_name, "course": participant.course.name,
        "expires_on": participant.expires_on, "valid": participant.expires_on >= today,
    })  # fmt: skip
