"""Blood donation: the interval table on worked cases (the LAST type decides), weight and
age edges, drives through their pipeline, registrations (public and by an officer), the
result sheet and its bad input, reminders that respect consent, honours from dated
thresholds across 1 July 2025."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from nhandao.blood import actions, due, honours, rules
from nhandao.blood.models import (
    Donation,
    Donor,
    DriveStatus,
    Honour,
    HonourThreshold,
    IntervalRule,
    Registration,
)
from nhandao.lib.errors import NeedsConfirmation, Refused

D = DriveStatus
TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)


def make_donor(cast, name="Nguyễn Văn An", *, sex="male", born=date(1990, 5, 1), weight=60,
               org=None, consent=True, phone="", email="", **extra):  # fmt: skip
    org = org or cast.ba_dinh
    return actions.create_donor(
        cast.root, organisation=org, full_name=name, birth_date=born, sex=sex, phone=phone,
        email=email, commune=org.admin_unit, blood_group="O+", weight_kg=weight,
        consent_contact=consent, consent_publish=consent, **extra,
    )  # fmt: skip


def make_drive(cast, day=TODAY, org=None, status=D.HELD, name="Hiến máu phường Ba Đình"):
    org = org or cast.ba_dinh
    drive = actions.create_drive(
        cast.root, name=name, organisation=org, blood_centre="Viện Huyết học – Truyền máu TW",
        commune=org.admin_unit, address="Nhà văn hóa phường", held_on=day,
        starts_at=time(7, 30), ends_at=time(11, 30), target_units=200,
    )  # fmt: skip
    path = [D.OPEN, D.HELD]
    for target in path[: path.index(status) + 1] if status in path else []:
        drive = actions.set_status(None, drive, target)
    return drive


def give(cast, donor, day, kind="whole", volume=350, **kw):
    drive = make_drive(cast, day=day, name=f"Đợt {day:%d/%m/%Y}")
    return actions.record_result(cast.hn_officer, drive, donor, kind=kind, volume_ml=volume, **kw)


# --- the interval table ---------------------------------------------------------------------


def test_the_type_of_the_last_donation_decides_the_next_date(cast):
    donor = make_donor(cast)
    give(cast, donor, date(2026, 1, 5), "whole", 350)
    donor.refresh_from_db()
    assert donor.eligible_from == date(2026, 3, 30)  # 12 weeks after whole blood
    give(cast, donor, date(2026, 4, 1), "platelets", 250)
    donor.refresh_from_db()
    assert donor.eligible_from == date(2026, 4, 15)  # 2 weeks after platelets
    give(cast, donor, date(2026, 4, 20), "whole", 350)
    donor.refresh_from_db()
    assert (donor.last_kind, donor.eligible_from) == ("whole", date(2026, 7, 13))
    assert donor.donation_count == 3


def test_the_interval_is_data_dated_by_the_donation_day(cast):
    IntervalRule.objects.create(kind="plasma", days=21, valid_from=date(2026, 6, 1))
    assert rules.interval_days("plasma", date(2026, 5, 31)) == 14
    assert rules.interval_days("plasma", date(2026, 6, 1)) == 21
    assert rules.interval_days("red_cells", date(2026, 6, 1)) == 84


def test_a_deferral_moves_the_date_when_it_ends_later(cast):
    donor = make_donor(cast)
    give(cast, donor, date(2026, 1, 5))
    drive = make_drive(cast, day=date(2026, 2, 1), name="Đợt hoãn")
    actions.record_deferral(cast.hn_officer, drive, donor, until=date(2026, 8, 1), reason="xăm")
    donor.refresh_from_db()
    assert donor.eligible_from == date(2026, 8, 1)
    assert "hiến lại" not in str(donor.eligible_from)


def test_a_donation_before_the_interval_needs_the_centres_confirmation_and_is_flagged(cast):
    donor = make_donor(cast)
    give(cast, donor, date(2026, 9, 1))
    with pytest.raises(NeedsConfirmation, match="chưa đủ khoảng cách, dự kiến từ 24/11/2026"):
        give(cast, donor, date(2026, 10, 1))
    assert Donation.objects.filter(donor=donor).count() == 1
    donation = give(cast, donor, date(2026, 10, 2), confirm_early=True)
    assert donation.early is True


# --- weight and age -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sex,weight,kind,volume,ok",
    [
        ("female", 41, "whole", 250, False),  # below 42 kg
        ("female", 42, "whole", 250, True),
        ("female", 44, "whole", 350, False),  # 42–45 kg: at most 250 ml
        ("male", 44, "whole", 250, False),  # men ≥ 45 kg
        ("male", 45, "whole", 350, True),  # 9 × 45 = 405
        ("male", 45, "whole", 450, False),
        ("male", 50, "whole", 450, True),
        ("male", 49, "plasma", 250, False),  # apheresis ≥ 50 kg
        ("male", 70, "whole", 300, False),  # not a bag size
    ],
)
def test_the_weight_rule_for_the_volume(sex, weight, kind, volume, ok):
    if ok:
        rules.check_volume(sex, weight, kind, volume)
    else:
        with pytest.raises(Refused):
            rules.check_volume(sex, weight, kind, volume)


def test_age_edges_at_the_donation_date():
    rules.check_age(date(2008, 12, 4), TODAY)  # 18 today
    with pytest.raises(Refused, match="17 tuổi"):
        rules.check_age(date(2008, 12, 5), TODAY)
    rules.check_age(date(1965, 12, 5), TODAY)  # 60
    with pytest.raises(Refused, match="61 tuổi vào ngày 04/12/2026"):
        rules.check_age(date(1965, 12, 4), TODAY)


def test_bad_group_and_future_date_are_refused_with_nothing_written(cast):
    with pytest.raises(Refused, match="Nhóm máu “C\\+” không hợp lệ") as refused:
        actions.create_donor(cast.root, organisation=cast.ba_dinh, full_name="Lê Thị Hoa",
                             blood_group="C+")  # fmt: skip
    assert refused.value.field == "blood_group"
    assert not Donor.objects.exists()
    assert rules.parse_group("ab −") == ("AB", "-")
    donor = make_donor(cast)
    with pytest.raises(Refused, match="ở tương lai") as refused:
        actions.check_donation(donor, donated_on=TODAY + timedelta(days=1), kind="whole",
                               volume_ml=350)  # fmt: skip
    assert refused.value.field == "donated_on"


def test_a_volume_above_the_weight_rule_is_refused_on_the_sheet(cast):
    donor = make_donor(cast, "Trần Thị Mai", sex="female", weight=43)
    with pytest.raises(Refused, match="vượt mức cho cân nặng 43 kg"):
        give(cast, donor, date(2026, 11, 1), volume=350)
    assert not Donation.objects.exists()


# --- drives and registrations ---------------------------------------------------------------


def test_the_drive_moves_through_its_pipeline_and_confirming_needs_approve(cast):
    drive = make_drive(cast, status=D.PLANNED)
    assert [m.target for m in actions.moves_for(cast.ba_dinh_officer, drive)] == [
        D.OPEN,
        D.CANCELLED,
    ]
    drive = actions.set_status(cast.ba_dinh_officer, drive, D.OPEN)
    drive = actions.set_status(cast.ba_dinh_officer, drive, D.HELD)
    with pytest.raises(Refused, match="Chưa nhập kết quả"):
        actions.set_status(cast.hn_manager, drive, D.RESULTS)
    donor = make_donor(cast)
    donation = actions.record_result(cast.ba_dinh_officer, drive, donor, kind="whole",
                                     volume_ml=350)  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.set_status(cast.ba_dinh_officer, drive, D.RESULTS)
    actions.set_status(cast.hn_manager, drive, D.RESULTS)
    donation.refresh_from_db()
    assert donation.confirmed_by == cast.hn_manager and donation.unregistered is True
    assert [h.to_status for h in drive.history.all()] == [D.PLANNED, D.OPEN, D.HELD, D.RESULTS]


def test_public_registration_finds_the_same_person_and_refuses_a_second_one(cast):
    drive = make_drive(cast, day=TODAY + timedelta(days=5), status=D.OPEN)
    fields = dict(full_name="Phạm Minh Đức", birth_date=date(1995, 3, 3), sex="male",
                  phone="0912345678", declaration={"healthy": True})  # fmt: skip
    first = actions.register_publicly(drive, **fields)
    assert first.source == "public" and first.declaration == {"healthy": True}
    with pytest.raises(Refused, match="đã đăng ký đợt"):
        actions.register_publicly(drive, **{**fields, "full_name": "pham minh duc"})
    assert Registration.objects.count() == 1 and Donor.objects.count() == 1


def test_public_registration_refuses_an_age_outside_18_to_60(cast):
    drive = make_drive(cast, day=TODAY + timedelta(days=5), status=D.OPEN)
    with pytest.raises(Refused, match="17 tuổi"):
        actions.register_publicly(drive, full_name="Vũ Hà", birth_date=date(2009, 1, 1),
                                  sex="female", phone="0912000000")  # fmt: skip
    assert not Donor.objects.exists()


def test_an_officer_registers_and_marks_attendance(cast):
    drive = make_drive(cast, status=D.OPEN)
    donor = make_donor(cast)
    registration = actions.register(cast.ba_dinh_officer, drive, donor)
    actions.set_attended(cast.ba_dinh_officer, registration)
    registration.refresh_from_db()
    assert registration.attended and registration.source == "officer"


# --- reminders and blood_due ----------------------------------------------------------------


def test_reminders_respect_consent_opt_out_province_and_date(cast, tasks):
    drive = make_drive(cast, day=date(2026, 12, 20), status=D.OPEN)
    ready = make_donor(cast, "Nguyễn Văn Sẵn", email="san@example.vn", phone="0911111111")
    give(cast, ready, date(2026, 9, 1))
    too_soon = make_donor(cast, "Nguyễn Văn Sớm", email="som@example.vn", phone="0911111112")
    give(cast, too_soon, date(2026, 11, 1))
    no_consent = make_donor(cast, "Nguyễn Văn Kín", consent=False, email="kin@example.vn")
    give(cast, no_consent, date(2026, 8, 1))
    opted_out = make_donor(cast, "Nguyễn Văn Thôi", email="thoi@example.vn")
    actions.opt_out(cast.root, opted_out)
    elsewhere = make_donor(cast, "Nguyễn Văn Xa", org=cast.tq_commune, email="xa@example.vn")
    assert list(due.reminder_list(drive)) == [ready]
    assert due.send_reminders(cast.ba_dinh_officer, drive) == {"email": 1, "sms": 0}
    tasks.run()
    assert [m.to for m in mail.outbox] == [["san@example.vn"]]
    assert "có thể hiến lại từ 24/11/2026" in mail.outbox[0].body
    assert due.send_reminders(cast.ba_dinh_officer, drive) == {"email": 0, "sms": 0}  # once
    rows = list(due.call_list_rows(drive))
    assert rows[0][:3] == [ready.code, "Nguyễn Văn Sẵn", "0911111111"] and rows[0][-1] == "có"
    assert elsewhere not in due.reminder_list(drive)


# --- honours --------------------------------------------------------------------------------


def _history(donor, count, last=date(2026, 3, 1)):
    """`count` donations 12 weeks apart ending on `last` (written directly: a history)."""
    for i in range(count):
        day = last - timedelta(weeks=12 * i)
        Donation.objects.create(
            donor=donor,
            organisation=donor.organisation,
            kind="whole",
            volume_ml=350,
            donated_on=day,
        )
    rules.refresh_donor(donor)


def test_honours_from_dated_thresholds_across_1_july_2025(cast):
    hanoi = cast.ba_dinh.admin_unit.province
    donor = make_donor(cast)
    _history(donor, 10, last=date(2025, 3, 1))
    (before,) = honours.honour_list(hanoi, 2025, "04-07")
    assert before[1].donations == 10 and "cấp huyện" in before[1].awarded_by
    (after,) = honours.honour_list(hanoi, 2025, "06-14")  # 14/6/2025: still before
    assert "cấp huyện" in after[1].awarded_by
    (later,) = honours.honour_list(hanoi, 2026, "04-07")
    assert "cấp xã" in later[1].awarded_by
    # a province's own table replaces the defaults, and excludes recent honourees
    HonourThreshold.objects.create(province=hanoi, donations=7, award="Giấy khen",
                                   awarded_by="Hội CTĐ Hà Nội", valid_from=date(2026, 1, 1),
                                   skip_if_honoured_within_years=2)  # fmt: skip
    (own,) = honours.honour_list(hanoi, 2026, "04-07")
    assert own[1].awarded_by == "Hội CTĐ Hà Nội"
    made = honours.propose(cast.root, hanoi, 2026, "04-07")
    assert [h.donations for h in made] == [7]
    assert honours.propose(cast.root, hanoi, 2026, "04-07") == []  # once
    Honour.objects.update(year=2025)
    HonourThreshold.objects.create(province=hanoi, donations=10, award="Bằng khen",
                                   awarded_by="UBND TP", valid_from=date(2026, 1, 1),
                                   skip_if_honoured_within_years=2)  # fmt: skip
    assert honours.honour_list(hanoi, 2026, "06-14") == []  # honoured in 2025: skipped
    assert len(honours.honour_list(hanoi, 2028, "06-14")) == 1


def test_the_list_being_prepared_is_the_coming_occasion():
    assert honours.next_occasion(date(2026, 3, 1)) == (2026, "04-07")
    assert honours.next_occasion(date(2026, 4, 7)) == (2026, "04-07")
    assert honours.next_occasion(date(2026, 4, 8)) == (2026, "06-14")
    assert honours.next_occasion(date(2026, 12, 4)) == (2027, "04-07")


def test_the_list_of_an_occasion_counts_the_donations_made_by_that_day(cast):
    """A list drawn up later for 7/4/2025 (or checked again) counts what the donor had given
    by 7/4/2025: ten donations by then, two more since — the band of ten, not the count of
    today; a donor who reached five only after the day is not on it."""
    hanoi = cast.ba_dinh.admin_unit.province
    donor = make_donor(cast)
    _history(donor, 12, last=date(2025, 9, 1))  # 12 weeks apart: the 10th on 10/3/2025
    late = make_donor(cast, "Trần Văn Muộn", phone="0912000009")
    _history(late, 5, last=date(2025, 6, 1))  # the 5th on 1/6/2025
    donor.refresh_from_db()
    assert donor.donation_count == 12
    listed = honours.honour_list(hanoi, 2025, "04-07")
    assert [(d.pk, band.donations) for d, band in listed] == [(donor.pk, 10)]
    on_june_14 = honours.honour_list(hanoi, 2025, "06-14")
    assert sorted(band.donations for _, band in on_june_14) == [5, 10]


def _list_in_python(province, year, occasion):
    """The honour list computed the plain way, donor by donor, from the donations and the
    honours themselves (not the stored count, not the stored province): what the one SQL
    query of honours.honour_list must equal."""
    on = honours.occasion_day(year, occasion)
    bands = honours.thresholds(province, on)
    skip = max((b.skip_if_honoured_within_years for b in bands), default=0)
    out = []
    for donor in Donor.objects.select_related("individual__commune"):
        if donor.individual.commune.province_id != province.pk:
            continue
        if not bands or donor.donation_count < bands[0].donations:
            continue
        years = [h.year for h in donor.honours.all()]
        if skip and any(year - skip <= y < year for y in years):
            continue
        count = donor.donations.filter(donated_on__lte=on).count()
        band = honours.band_for(count, bands)
        done = max((h.donations for h in donor.honours.all()), default=0)
        if band is not None and band.donations > done:
            out.append((donor.pk, count, band.pk, donor.donation_count, donor.code))
    out.sort(key=lambda r: (-bands_by_pk(bands)[r[2]], -r[3], r[4]))
    return [row[:3] for row in out]


def bands_by_pk(bands):
    return {b.pk: b.donations for b in bands}


def test_the_one_query_list_equals_a_plain_computation_on_a_varied_world(cast):
    """Donors of two provinces with 1–23 donations, some given after the occasion's day,
    honoured before at various bands and years; the default table, then Hà Nội's own with
    its "not honoured in the last 2 years": the SQL list equals the plain one each time."""
    import random

    hanoi = cast.ba_dinh.admin_unit.province
    rng = random.Random(7)
    threshold = HonourThreshold.objects.filter(province__isnull=True).first()
    for i in range(40):
        org = cast.tq_commune if i % 5 == 0 else cast.ba_dinh
        donor = make_donor(cast, f"Người hiến {i}", phone=f"09120{i:05d}", org=org)
        last = date(2026, 11, 1) - timedelta(days=rng.randint(0, 500))
        _history(donor, rng.randint(1, 23), last=last)
        for band in rng.sample([5, 10, 15, 20], rng.randint(0, 2)):
            Honour.objects.create(donor=donor, threshold=threshold, organisation=org,
                                  donations=band, year=rng.randint(2022, 2026),
                                  occasion="04-07")  # fmt: skip
    cases = [(2025, "04-07"), (2025, "06-14"), (2026, "04-07"), (2026, "06-14")]

    def as_rows(listed):
        return [(d.pk, d.count_on_day, band.pk) for d, band in listed]

    for year, occasion in cases:
        expected = _list_in_python(hanoi, year, occasion)
        assert expected, "the world must put someone on the list"
        assert as_rows(honours.honour_list(hanoi, year, occasion)) == expected
    for n in (5, 10, 15, 20, 30):
        HonourThreshold.objects.create(province=hanoi, donations=n, award=f"Giấy khen {n}",
                                       awarded_by="Hội CTĐ Hà Nội", valid_from=date(2025, 1, 1),
                                       skip_if_honoured_within_years=2)  # fmt: skip
    for year, occasion in cases:
        expected = _list_in_python(hanoi, year, occasion)
        assert as_rows(honours.honour_list(hanoi, year, occasion)) == expected
    assert any(h.year >= 2024 for h in Honour.objects.all())  # the exclusion was exercised


def test_the_donor_province_follows_the_person_s_commune(cast):
    from nhandao.people import actions as people

    hanoi = cast.ba_dinh.admin_unit.province
    donor = make_donor(cast)
    _history(donor, 10, last=date(2026, 3, 1))
    assert donor.province_id == hanoi.pk
    assert [d.pk for d, _ in honours.honour_list(hanoi, 2026)] == [donor.pk]
    people.update_individual(cast.root, donor.individual, commune=cast.tq_commune.admin_unit)
    donor.refresh_from_db()
    assert donor.province_id == cast.tq_commune.admin_unit.province_id != hanoi.pk
    assert honours.honour_list(hanoi, 2026) == []


# --- report indicators ----------------------------------------------------------------------


def test_confirmed_units_volume_and_value_feed_the_report_indicators(cast):
    from nhandao.reports import indicators

    drive = make_drive(cast, day=date(2026, 11, 10))
    for i, volume in enumerate((250, 350, 450)):
        donor = make_donor(cast, f"Người hiến {i}", phone=f"091000000{i}", weight=60)
        actions.record_result(cast.hn_officer, drive, donor, kind="whole", volume_ml=volume)
    args = (cast.ba_dinh, date(2026, 7, 1), date(2026, 12, 31))
    assert indicators.blood_units(*args) == {"": 0}  # not confirmed yet
    actions.set_status(cast.hn_manager, drive, D.RESULTS)
    assert indicators.blood_units(*args) == {"whole": 3, "": 3}
    assert indicators.blood_volume(*args) == {"": 1050}
    assert indicators.blood_value(*args) == {"": 100_000 + 150_000 + 180_000}
