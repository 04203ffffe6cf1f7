"""Training courses: participants, results, certificates only for those who passed,
numbered per organisation and year with an expiry; the "people trained" count."""

from datetime import date

import pytest
from django.db.models import Q

from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import training
from nhandao.people.models import CourseResult, Participant


def person(cast, name):
    return people.create_individual(cast.root, organisation=cast.ba_dinh, full_name=name,
                                    birth_date=date(1990, 1, 1))  # fmt: skip


@pytest.fixture
def course(cast):
    return training.create_course(cast.ba_dinh_officer, cast.ba_dinh, name="Sơ cấp cứu cơ bản",
                                  kind="first_aid", trainer="BS. Nguyễn Hữu Tâm",
                                  starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 4),
                                  valid_months=24)  # fmt: skip


def test_certificates_for_those_who_passed_numbered_with_expiry(cast, course):
    a = training.add_participant(cast.ba_dinh_officer, course, person(cast, "Trần An"))
    b = training.add_participant(cast.ba_dinh_officer, course, person(cast, "Lê Bình"))
    training.set_result(cast.ba_dinh_officer, a, CourseResult.PASSED)
    training.set_result(cast.ba_dinh_officer, b, CourseResult.FAILED)
    cert = training.issue_certificate(cast.ba_dinh_officer, a, issued_on=date(2026, 3, 5))
    assert cert.certificate_no == f"CN-{cast.ba_dinh.code}-2026-00001"
    assert cert.expires_on == date(2028, 3, 5)
    with pytest.raises(Refused, match="Lê Bình chưa đạt khóa Sơ cấp cứu cơ bản.*Không đạt"):
        training.issue_certificate(cast.ba_dinh_officer, b, issued_on=date(2026, 3, 5))
    b.refresh_from_db()
    assert b.certificate_no == "" and b.expires_on is None
    with pytest.raises(Refused, match="Đã cấp chứng nhận số"):
        training.issue_certificate(cast.ba_dinh_officer, a, issued_on=date(2026, 3, 6))
    with pytest.raises(Refused, match="không đổi kết quả"):
        training.set_result(cast.ba_dinh_officer, a, CourseResult.FAILED)


def test_bad_input_is_refused_and_nothing_written(cast, course):
    with pytest.raises(Refused, match="Ngày kết thúc"):
        training.create_course(cast.ba_dinh_officer, cast.ba_dinh, name="x", kind="disaster",
                               trainer="y", starts_on=date(2026, 5, 2),
                               ends_on=date(2026, 5, 1))  # fmt: skip
    an = person(cast, "Trần An")
    p = training.add_participant(cast.ba_dinh_officer, course, an)
    with pytest.raises(Refused, match="đã có trong khóa"):
        training.add_participant(cast.ba_dinh_officer, course, an)
    with pytest.raises(Refused, match="Đạt hoặc Không đạt"):
        training.set_result(cast.ba_dinh_officer, p, "pending")
    with pytest.raises(Refused, match="chưa đạt"):  # no result yet
        training.issue_certificate(cast.ba_dinh_officer, p, issued_on=date(2026, 3, 5))
    training.set_result(cast.ba_dinh_officer, p, CourseResult.PASSED)
    with pytest.raises(Refused, match="sau khi khóa tập huấn kết thúc"):
        training.issue_certificate(cast.ba_dinh_officer, p, issued_on=date(2026, 3, 3))
    # out of the officer's reach
    from django.core.exceptions import PermissionDenied

    with pytest.raises((PermissionDenied, Refused)):
        training.issue_certificate(cast.tq_officer, p, issued_on=date(2026, 3, 5))
    assert Participant.objects.get().certificate_no == ""


def test_people_trained_counts_distinct_passed_people(cast, course):
    an, binh = person(cast, "Trần An"), person(cast, "Lê Bình")
    for who, result in ((an, "passed"), (binh, "failed")):
        training.set_result(cast.root, training.add_participant(cast.root, course, who), result)
    again = training.create_course(cast.root, cast.ba_dinh, name="Nhắc lại", kind="first_aid",
                                   trainer="y", starts_on=date(2026, 6, 1),
                                   ends_on=date(2026, 6, 1))  # fmt: skip
    training.set_result(cast.root, training.add_participant(cast.root, again, an), "passed")
    assert training.people_trained(Q(), date(2026, 1, 1), date(2026, 12, 31)) == 1
    assert training.people_trained(Q(), date(2026, 4, 1), date(2026, 12, 31)) == 1
    assert training.people_trained(Q(), date(2025, 1, 1), date(2025, 12, 31)) == 0
    assert training.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_people_trained_on_the_standard_report(cast, course):
    from nhandao.reports import actions, building

    for name, result in (("Trần An", "passed"), ("Lê Bình", "failed"), ("Phạm Chi", "passed")):
        p = training.add_participant(cast.root, course, person(cast, name))
        training.set_result(cast.root, p, result)
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, "2026-H1")
    figures = {line.indicator.code: line.value for line in building.lines(report)}
    assert figures["people_trained"] == 2


def test_certificate_docx_with_qr_to_a_public_page(cast, course, login, client):
    import io
    import re

    from docx import Document

    p = training.add_participant(cast.root, course, person(cast, "Trần An"))
    training.set_result(cast.root, p, "passed")
    p = training.issue_certificate(cast.root, p, issued_on=date(2026, 3, 5))
    officer = login(cast.ba_dinh_officer)
    answer = officer.get(f"/tap-huan/chung-nhan/{p.pk}/")
    assert answer.status_code == 200
    doc = Document(io.BytesIO(answer.content))
    text = "\n".join(par.text for par in doc.paragraphs)
    assert "Trần An" in text and p.certificate_no in text and "05/03/2028" in text
    assert len(doc.inline_shapes) == 1  # the QR
    assert login(cast.tq_officer).get(f"/tap-huan/chung-nhan/{p.pk}/").status_code == 404
    from nhandao.people import certificates

    client.logout()
    public = client.get(f"/chung-nhan-tap-huan/{certificates.token(p)}/").content.decode()
    assert "Trần An" in public and "Sơ cấp cứu cơ bản" in public and "05/03/2028" in public
    assert p.certificate_no not in public and "1990" not in public  # nothing else
    assert re.search(r'data-valid="1"', public)
    assert client.get("/chung-nhan-tap-huan/gia-mao/").status_code == 404
