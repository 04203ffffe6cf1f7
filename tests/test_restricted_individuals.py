"""A member, volunteer or blood donor who asked to restrict the processing of their data is
marked "hạn chế xử lý" on the lists and their pages, and nothing new is done with their data
(no volunteering, shift, course or drive registration by an officer), as the registry's
restricted beneficiaries get no new support (people/privacy.py: refuse_if_restricted)."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from nhandao.blood import actions as blood
from nhandao.blood.models import Registration
from nhandao.lib.errors import Refused
from nhandao.people import privacy, training
from nhandao.people import volunteers as vol
from nhandao.people.models import Participant, ShiftSignup, Volunteer

MARK = "hạn chế xử lý</span>"


@pytest.fixture
def pair(cast):
    """Two donors of Ba Đình (so also individuals), born 1990; the second restricted."""

    def donor(name, phone):
        return blood.create_donor(
            cast.root, organisation=cast.ba_dinh, full_name=name, birth_date=date(1990, 1, 1),
            sex="male", phone=phone, commune=cast.ba_dinh.admin_unit, blood_group="O+",
            weight_kg=60, consent_contact=True, consent_publish=True,
        )  # fmt: skip

    free, restricted = donor("Nguyễn Văn Tự", "0912000001"), donor("Lê Văn Hạn", "0912000002")
    return free, restricted


def restrict(cast, donor):
    privacy.restrict_individual(cast.ba_dinh_officer, donor.individual)
    donor.individual.refresh_from_db()


def marked_rows(html: str) -> list[str]:
    return [row for row in html.split("<tr>") if MARK in row]


def test_lists_and_pages_mark_the_restricted_person_only(cast, pair, login):
    free, held = pair
    volunteer = vol.register(cast.root, held.individual, cast.ba_dinh, since=date(2025, 8, 1))
    team = vol.create_team(cast.root, cast.ba_dinh, name="Đội sơ cứu", kind="first_aid",
                           members=[volunteer])  # fmt: skip
    restrict(cast, held)
    client = login(cast.ba_dinh_officer)
    rows = marked_rows(client.get("/ca-nhan/").content.decode())
    assert len(rows) == 1 and "Lê Văn Hạn" in rows[0]
    rows = marked_rows(client.get("/hien-mau/nguoi-hien/").content.decode())
    assert len(rows) == 1 and "Lê Văn Hạn" in rows[0]
    assert MARK in client.get(f"/tinh-nguyen/doi/{team.pk}/").content.decode()
    for page in (f"/ca-nhan/{held.individual.pk}/", f"/hien-mau/nguoi-hien/{held.pk}/",
                 f"/tinh-nguyen/{volunteer.pk}/"):  # fmt: skip
        assert MARK in client.get(page).content.decode(), page
    assert MARK not in client.get(f"/ca-nhan/{free.individual.pk}/").content.decode()


def test_no_new_processing_of_a_restricted_persons_data(cast, pair):
    free, held = pair
    volunteer = vol.register(cast.root, held.individual, cast.ba_dinh, since=date(2025, 8, 1))
    team = vol.create_team(cast.root, cast.ba_dinh, name="Đội", kind="first_aid",
                           members=[volunteer])  # fmt: skip
    shift = vol.add_shift(cast.root, team, activity="Trực sơ cứu",
                          starts_at=timezone.now() + timedelta(hours=1),
                          ends_at=timezone.now() + timedelta(hours=3))  # fmt: skip
    course = training.create_course(cast.root, cast.ba_dinh, name="Sơ cứu", kind="first_aid",
                                    trainer="BS. Tâm", starts_on=date(2026, 3, 2),
                                    ends_on=date(2026, 3, 3))  # fmt: skip
    drive = blood.create_drive(
        cast.root, name="Hiến máu Ba Đình", organisation=cast.ba_dinh, blood_centre="Viện HHTMTW",
        commune=cast.ba_dinh.admin_unit, address="Nhà văn hóa",
        held_on=timezone.localdate() + timedelta(days=7), starts_at=time(7, 30),
        ends_at=time(11, 0), target_units=100,
    )  # fmt: skip
    restrict(cast, held)
    day = f"{timezone.localtime(held.individual.restricted_at):%d/%m/%Y}"
    refusals = [
        (lambda: vol.sign_up(cast.ba_dinh_officer, shift, volunteer), "xếp vào ca trực"),
        (lambda: training.add_participant(cast.ba_dinh_officer, course, held.individual),
         "ghi danh vào khóa tập huấn"),
        (lambda: blood.register(cast.ba_dinh_officer, drive, held), "đăng ký hiến máu"),
    ]  # fmt: skip
    for attempt, doing in refusals:
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.message == (
            f"Lê Văn Hạn đã yêu cầu hạn chế xử lý dữ liệu (từ {day}): không thể {doing}."
        )
    assert not ShiftSignup.objects.exists() and not Participant.objects.exists()
    assert not Registration.objects.exists()
    # the one who did not ask goes on as before
    other = vol.register(cast.root, free.individual, cast.ba_dinh, since=date(2025, 8, 1))
    vol.sign_up(cast.ba_dinh_officer, shift, other)
    training.add_participant(cast.ba_dinh_officer, course, free.individual)
    blood.register(cast.ba_dinh_officer, drive, free)
    assert ShiftSignup.objects.count() == Participant.objects.count() == 1


def test_a_restricted_person_is_not_made_a_volunteer(cast, pair):
    _, held = pair
    restrict(cast, held)
    with pytest.raises(Refused, match="không thể đăng ký làm tình nguyện viên") as refused:
        vol.register(cast.root, held.individual, cast.ba_dinh, since=date(2025, 8, 1))
    assert refused.value.field == "individual" and not Volunteer.objects.exists()


def test_an_erased_individual_is_restricted_too(cast, pair):
    _, held = pair
    privacy.erase_individual(cast.ba_dinh_officer, held.individual)
    held.individual.refresh_from_db()
    with pytest.raises(Refused, match="hạn chế xử lý"):
        vol.register(cast.root, held.individual, cast.ba_dinh, since=date(2025, 8, 1))
