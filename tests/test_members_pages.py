"""The members' pages as users use them: find a person without accents, create one (a likely
duplicate is shown first), join, transfer between two communes with both sides agreeing,
collect a fee, and the card's public check."""

from datetime import date

from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people.models import FeePayment, Individual, Membership, MembershipTransfer


def test_search_ignores_accents_and_scope(cast, login):
    people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="Đặng Thị Hương")
    people.create_individual(cast.root, organisation=cast.tq_commune, full_name="Đặng Văn Hưng")
    page = login(cast.ba_dinh_officer).get("/ca-nhan/?q=DANG huong").content.decode()
    assert "Đặng Thị Hương" in page and "Hưng" not in page


def test_create_shows_likely_duplicates_before_saving(cast, login):
    people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="Lê Văn Tám",
                             birth_date=date(1980, 2, 3))  # fmt: skip
    client = login(cast.ba_dinh_officer)
    data = {"organisation": "CTD-X4", "full_name": "le van tam", "birth_date": "03/02/1980"}
    page = client.post("/ca-nhan/tao/", data)
    assert page.status_code == 200 and "Có thể người này đã có hồ sơ" in page.content.decode()
    assert Individual.objects.count() == 1
    saved = client.post("/ca-nhan/tao/", data | {"confirm": "1"})
    assert saved.status_code == 302 and Individual.objects.count() == 2
    bad = client.post("/ca-nhan/tao/", data | {"id_number": "123", "confirm": "1"})
    assert "Số CCCD phải có 12 chữ số" in bad.content.decode() and Individual.objects.count() == 2


def test_youth_over_30_refused_on_the_page(cast, login):
    old = people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="Trần Già",
                                   birth_date=date(1980, 1, 1))  # fmt: skip
    page = login(cast.ba_dinh_officer).post(
        f"/ca-nhan/{old.pk}/ket-nap/",
        {"organisation": "CTD-X4", "kind": "youth", "started_on": "01/09/2025"},
    )
    assert "phải từ 16 đến 30 tuổi" in page.content.decode()
    assert not Membership.objects.exists()


def test_transfer_between_communes_through_the_pages(cast, login, client):
    ms.set_schedule(cast.root, year=2026, amount_per_month=1_000, exemption_cap_percent=10,
                    shares={"commune": 80, "province": 15, "central": 5})  # fmt: skip
    member = people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="Vũ Lan")
    officer = login(cast.ba_dinh_officer)
    officer.post(
        f"/ca-nhan/{member.pk}/ket-nap/",
        {"organisation": "CTD-X4", "kind": "member", "started_on": "01/01/2025"},
    )
    m = Membership.objects.get(individual=member)
    login(cast.ba_dinh_accountant).post(f"/hoi-vien/{m.pk}/hoi-phi/", {
        "year": "2026", "months": ["1", "2", "3"], "paid_on": "10/03/2026"})  # fmt: skip
    assert FeePayment.objects.get().receipt_number == "HP-CTD-X4-2026-00001"
    twice = login(cast.ba_dinh_accountant).post(f"/hoi-vien/{m.pk}/hoi-phi/", {
        "year": "2026", "months": ["3"], "paid_on": "10/03/2026"})  # fmt: skip
    assert "không thu hai lần" in twice.content.decode() and FeePayment.objects.count() == 1

    officer = login(cast.ba_dinh_officer)
    officer.post(f"/hoi-vien/{m.pk}/chuyen/", {"to_org": "CTD-X8", "effective_on": "01/11/2026"})
    transfer = MembershipTransfer.objects.get()
    assert "Vũ Lan" not in officer.get("/hoi-vien/chuyen-sinh-hoat/").content.decode().split(
        "Các yêu cầu khác")[0]  # fmt: skip
    assert (
        "Vũ Lan" not in login(cast.tq_officer).get("/hoi-vien/chuyen-sinh-hoat/").content.decode()
    )
    receiving = login(cast.ngoc_ha_officer)
    assert "Vũ Lan" in receiving.get("/hoi-vien/chuyen-sinh-hoat/").content.decode()
    receiving.post(f"/hoi-vien/chuyen-sinh-hoat/{transfer.pk}/dong-y/")
    now = Membership.objects.get(individual=member, ended_on__isnull=True)
    assert now.organisation == cast.ngoc_ha
    # the record and its fee history follow: Ngọc Hà now keeps it and sees Ba Đình's receipt
    page = login(cast.ngoc_ha_officer).get(f"/ca-nhan/{member.pk}/").content.decode()
    assert "HP-CTD-X4-2026-00001" in page and "Chuyển sinh hoạt đến" in page
    assert login(cast.ba_dinh_officer).get(f"/ca-nhan/{member.pk}/").status_code == 404


def test_card_verifies_online_showing_only_name_and_validity(cast, login, client):
    member = people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="Hồ Thị Mai",
                                      phone="0912345678")  # fmt: skip
    m = ms.join(cast.root, member, cast.ba_dinh, kind="member", started_on=date(2025, 1, 1))
    card = login(cast.ba_dinh_officer).get(f"/hoi-vien/{m.pk}/the/").content.decode()
    assert "data:image/svg+xml" in card
    url = card.split('href="http://testserver')[1].split('"')[0]
    client.logout()
    page = client.get(url).content.decode()
    assert 'data-valid="1"' in page and "Hồ Thị Mai" in page and "0912345678" not in page
    ms.end(cast.root, m, ended_on=date(2026, 1, 31), reason="left")
    assert 'data-valid="0"' in client.get(url).content.decode()
    assert client.get(url[:-3] + "abc/").status_code == 404


def test_api_finds_people_and_counts_members_on_a_date(cast, login):
    p = people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="Đinh Thị Ngà")
    ms.join(cast.root, p, cast.ba_dinh, kind="member", started_on=date(2025, 8, 1))
    client = login(cast.ba_dinh_officer)
    rows = client.get("/api/people/individuals?q=dinh nga").json()["items"]
    assert [r["full_name"] for r in rows] == ["Đinh Thị Ngà"]
    one = client.get(f"/api/people/individuals/{p.pk}").json()
    assert one["memberships"][0]["started_on"] == "2025-08-01"
    on = client.get(f"/api/people/members-on/{cast.ba_dinh.pk}?on=2025-08-01").json()
    assert on["members"] == 1
    assert client.get(f"/api/people/members-on/{cast.hanoi.pk}").status_code == 404
    viewer = login(cast.hn_viewer)
    assert (
        viewer.get(f"/api/people/members-on/{cast.hanoi.pk}?on=2025-07-31").json()["members"] == 0
    )


def test_export_lists_members_in_reach_with_where_they_are(cast, login):
    p = people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="=Ngô Văn Xuất")
    ms.join(cast.root, p, cast.ba_dinh, kind="member", started_on=date(2025, 8, 1))
    people.create_individual(cast.root, organisation=cast.tq_commune, full_name="Ngô Thị Xa")
    response = login(cast.ba_dinh_officer).get("/ca-nhan/?q=ngo&format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Mã,Họ và tên") and len(lines) == 2
    assert "'=Ngô Văn Xuất" in lines[1] and "01/08/2025" in lines[1]  # formula-safe
    xlsx = login(cast.ba_dinh_officer).get("/ca-nhan/?q=ngo&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
