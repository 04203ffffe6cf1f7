"""Training courses (first aid, disaster response, blood mobilisation): participants found
by picker, results, and certificates only for those who passed (issue #20)."""

import calendar
from datetime import date

from django.db import transaction

from nhandao.audit.actions import record
from nhandao.lib.errors import Refused
from nhandao.orgs import access
from nhandao.people import privacy
from nhandao.people.models import Course, CourseResult, Participant


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def create_course(actor, organisation, *, name, kind, trainer, starts_on: date, ends_on: date,
                  valid_months=24) -> Course:  # fmt: skip
    access.require(actor, "edit", organisation)
    if ends_on < starts_on:
        raise Refused("Ngày kết thúc khóa tập huấn phải từ ngày bắt đầu trở đi.", field="ends_on")
    if not 1 <= valid_months <= 120:
        raise Refused("Thời hạn chứng nhận từ 1 đến 120 tháng.", field="valid_months")
    course = Course.objects.create(organisation=organisation, name=name, kind=kind,
                                   trainer=trainer, starts_on=starts_on, ends_on=ends_on,
                                   valid_months=valid_months)  # fmt: skip
    record(actor, "people.course_create", course, organisation=organisation)
    return course


@transaction.atomic
def add_participant(actor, course: Course, individual) -> Participant:
    access.require(actor, "edit", course.organisation)
    privacy.refuse_if_restricted(individual, "ghi danh vào khóa tập huấn")
    if course.participants.filter(individual=individual).exists():
        raise Refused(f"{individual.full_name} đã có trong khóa này.", field="individual")
    return Participant.objects.create(course=course, individual=individual)


@transaction.atomic
def set_result(actor, participant: Participant, result: str) -> Participant:
    access.require(actor, "edit", participant.course.organisation)
    participant = (
        Participant.objects.select_for_update().select_related("course").get(pk=participant.pk)
    )
    if result not in (CourseResult.PASSED, CourseResult.FAILED):
        raise Refused("Kết quả là Đạt hoặc Không đạt.", field="result")
    if participant.certificate_no and result != CourseResult.PASSED:
        raise Refused(f"{participant.individual} đã được cấp chứng nhận số "
                      f"{participant.certificate_no}: không đổi kết quả được.")  # fmt: skip
    participant.result = result
    participant.save(update_fields=["result"])
    record(actor, "people.course_result", participant, organisation=participant.course.organisation,
           after={"result": result})  # fmt: skip
    return participant


@transaction.atomic
def issue_certificate(actor, participant: Participant, *, issued_on: date) -> Participant:
    """A certificate numbered per organisation and year (CN-<org code>-<year>-00001), valid for
    the course's months. Refused for anyone who has not passed."""
    course = participant.course
    access.require(actor, "edit", course.organisation)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.result != CourseResult.PASSED:
        raise Refused(f"{participant.individual} chưa đạt khóa {course.name} "
                      f"({participant.get_result_display()}): không cấp chứng nhận.",
                      field="result")  # fmt: skip
    if participant.certificate_no:
        raise Refused(f"Đã cấp chứng nhận số {participant.certificate_no}.")
    if issued_on < course.ends_on:
        raise Refused("Ngày cấp chứng nhận phải sau khi khóa tập huấn kết thúc "
                      f"({course.ends_on:%d/%m/%Y}).", field="issued_on")  # fmt: skip
    prefix = f"CN-{course.organisation.code}-{issued_on.year}-"
    # the course's organisation row is the counter's lock
    type(course.organisation).objects.select_for_update().get(pk=course.organisation_id)
    issued = Participant.objects.filter(certificate_no__startswith=prefix).count()
    participant.certificate_no = f"{prefix}{issued + 1:05d}"
    participant.issued_on = issued_on
    participant.expires_on = add_months(issued_on, course.valid_months)
    participant.save(update_fields=["certificate_no", "issued_on", "expires_on"])
    record(actor, "people.certificate_issue", participant, organisation=course.organisation,
           after={"certificate_no": participant.certificate_no})  # fmt: skip
    return participant


def people_trained(organisations_q, start: date, end: date) -> int:
    """Distinct people who passed a course ending within [start, end] (the report indicator)."""
    passed = Participant.objects.filter(
        organisations_q, result=CourseResult.PASSED, course__ends_on__range=(start, end)
    )
    return passed.values("individual").distinct().count()
