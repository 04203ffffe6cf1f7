"""Merging a duplicate donor found later (issue #19): the history moves to the kept record,
the duplicate is kept as merged (never deleted), the derived dates are recomputed, it is
audited; a merge two histories of one person could not hold is refused; only within the
officer's reach."""

from datetime import date

from nhandao.audit.models import AuditEvent
from nhandao.blood import actions, honours
from nhandao.blood.models import Donation, Donor, Honour, HonourThreshold, Registration
from nhandao.lib.errors import Refused
from tests.test_blood import TODAY, _history, frozen_today, give, make_donor, make_drive  # noqa: F401


def _pair(cast):
    kept = make_donor(cast, "Nguyễn Văn An", phone="0912000001")
    twin = make_donor(
        cast, "Nguyễn Văn An", born=None, phone="0988000002", org=cast.ngoc_ha
    )  # fmt: skip  (no birth date: not linked)
    return kept, twin


def test_a_duplicate_is_merged_with_its_history_and_kept(cast, login):
    kept, twin = _pair(cast)
    Donor.objects.filter(pk=kept.pk).update(abo="", rh="")
    give(cast, kept, date(2026, 1, 5))
    give(cast, twin, date(2026, 4, 20), "platelets", 250)  # the later one: it sets the date
    drive = make_drive(cast, day=date(2026, 12, 20), status="open", name="Đợt cuối năm")
    actions.register(cast.root, drive, twin)
    client = login(cast.hn_officer)
    page = client.get(f"/hien-mau/nguoi-hien/{kept.pk}/").content.decode()
    assert f"/hien-mau/nguoi-hien/{kept.pk}/gop/" in page
    preview = client.get(f"/hien-mau/nguoi-hien/{kept.pk}/gop/", {"other": twin.code})
    text = preview.content.decode()
    assert preview.status_code == 200 and 'id="merge-confirm"' in text
    assert "20/04/2026" in text and "05/01/2026" in text  # both histories
    assert Donation.objects.filter(donor=twin).count() == 1  # a preview changes nothing
    answer = client.post(f"/hien-mau/nguoi-hien/{kept.pk}/gop/",
                         {"other": twin.code, "confirm": "1"})  # fmt: skip
    assert answer.status_code == 302
    kept.refresh_from_db()
    twin.refresh_from_db()
    assert twin.merged_into == kept and twin.merged_at is not None  # kept, not deleted
    assert (kept.donation_count, kept.last_kind) == (2, "platelets")
    assert kept.eligible_from == date(2026, 5, 4)  # 2 weeks after the platelets
    assert (kept.abo, kept.rh) == ("O", "+")  # learnt from the duplicate
    assert (twin.donation_count, twin.eligible_from) == (0, None)
    assert Registration.objects.get(drive=drive).donor == kept
    event = AuditEvent.objects.get(action="blood.donor_merge")
    assert event.after["merged"] == twin.pk and event.after["donations"] == 1
    # the duplicate's page says where it went; it is no longer picked; linkage leads on
    page = client.get(f"/hien-mau/nguoi-hien/{twin.pk}/").content.decode()
    assert 'id="merged-into"' in page and kept.code in page
    picked = client.get("/tra-cuu/nguoi-hien", {"q": twin.code}).content.decode()
    assert twin.code not in picked
    assert actions.find_donor(full_name="Nguyễn Văn An", phone="0988000002") == kept
    again = client.post(f"/hien-mau/nguoi-hien/{kept.pk}/gop/",
                        {"other": twin.code, "confirm": "1"})  # fmt: skip
    assert again.status_code == 422 and Donor.objects.count() == 2


def test_the_merged_history_counts_for_honours_once(cast):
    hanoi = cast.ba_dinh.admin_unit.province
    kept, twin = _pair(cast)
    _history(kept, 6, last=date(2025, 3, 1))
    for i in range(4):
        Donation.objects.create(donor=twin, organisation=twin.organisation, kind="whole",
                                volume_ml=350, donated_on=date(2023, 1, 2 + i))  # fmt: skip
    assert [band.donations for _, band in honours.honour_list(hanoi, 2026)] == [5]
    actions.merge_donors(cast.hn_officer, kept, twin)
    assert [(d.pk, band.donations) for d, band in honours.honour_list(hanoi, 2026)] == [
        (kept.pk, 10)
    ]


def test_an_unsafe_merge_is_refused_and_changes_nothing(cast, login):
    kept, twin = _pair(cast)
    give(cast, kept, date(2026, 1, 5))
    Donation.objects.create(donor=twin, organisation=twin.organisation, kind="whole",
                            volume_ml=350, donated_on=date(2026, 1, 5))  # fmt: skip
    Donor.objects.filter(pk=twin.pk).update(abo="A")
    twin.refresh_from_db()
    problems = actions.merge_problems(kept, twin)
    assert problems == ["Hai hồ sơ có nhóm máu khác nhau (O+ và A+).",
                        "Cả hai hồ sơ có lần hiến cùng ngày 05/01/2026."]  # fmt: skip
    client = login(cast.hn_officer)
    text = client.get(f"/hien-mau/nguoi-hien/{kept.pk}/gop/", {"other": twin.code})
    text = text.content.decode()
    assert 'id="merge-problems"' in text and 'id="merge-confirm"' not in text
    answer = client.post(f"/hien-mau/nguoi-hien/{kept.pk}/gop/",
                         {"other": twin.code, "confirm": "1"})  # fmt: skip
    assert answer.status_code == 422
    assert "Không gộp được: Hai hồ sơ có nhóm máu khác nhau" in answer.content.decode()
    twin.refresh_from_db()
    assert twin.merged_into is None and twin.donations.count() == 1
    threshold = HonourThreshold.objects.filter(province__isnull=True).first()
    Donation.objects.filter(donor=twin).delete()
    Donor.objects.filter(pk=twin.pk).update(abo="O")
    for donor in (kept, twin):
        Honour.objects.create(donor=donor, threshold=threshold, organisation=donor.organisation,
                              donations=5, year=2025, occasion="04-07")  # fmt: skip
    twin.refresh_from_db()
    try:
        actions.merge_donors(cast.hn_officer, kept, twin)
    except Refused as exc:
        assert "Cả hai hồ sơ đã được vinh danh mốc 5 lần." in exc.message
    else:
        raise AssertionError("two honours of one band must refuse the merge")
    assert not AuditEvent.objects.filter(action="blood.donor_merge").exists()


def test_only_within_reach_and_only_with_edit(cast, login):
    kept, twin = _pair(cast)
    client = login(cast.ba_dinh_officer)  # Ngọc Hà, where the twin is, is a sibling ward
    answer = client.get(f"/hien-mau/nguoi-hien/{kept.pk}/gop/", {"other": twin.code})
    assert answer.status_code == 422 and "nằm ngoài phạm vi" in answer.content.decode()
    assert login(cast.hn_viewer).get(f"/hien-mau/nguoi-hien/{kept.pk}/gop/").status_code == 403
    assert login(cast.tq_officer).get(f"/hien-mau/nguoi-hien/{kept.pk}/gop/").status_code == 404
    try:
        actions.merge_donors(cast.ngoc_ha_officer, twin, kept)
    except Refused as exc:
        assert "phạm vi" in exc.message
    else:
        raise AssertionError("a donor outside the officer's reach must refuse the merge")
