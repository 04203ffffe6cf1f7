"""Receipts printed as PDF (Vietnamese text, QR code, same access as the print page) and
issued automatically for the named donations of a campaign that asks for it: at once for a
donation typed in, in batches after a statement import, numbered without gaps, once only."""

import re
import zlib
from datetime import date

import pytest
from django.urls import reverse

from nhandao.campaigns import actions as campaign_actions
from nhandao.donations import actions, receipts
from nhandao.donations import tasks as donation_tasks
from nhandao.donations.models import Donation, Receipt, ReceiptCounter
from nhandao.donations.receipts import numbering
from tests.saoke import FIXTURES, VCB, create_vcb, create_yagi
from tests.test_donations import cash  # the cash donation form's fields


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def campaign(cast, code="LU-HN", auto=True, organisation=None):
    return campaign_actions.create_campaign(
        cast.root,
        code=code,
        name="Ủng hộ đồng bào lũ lụt",
        kind="appeal",
        organisation=organisation or cast.hanoi,
        launch_date=date(2024, 9, 8),
        status="receiving",
        auto_receipts=auto,
    )


def donation(cast, appeal, amount=1_500_000, name="Lê Thị Mai", day=date(2024, 9, 10)):
    return actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=day,
        amount=amount,
        campaign=appeal,
        donor_name=name,
    )


def numbers(org, year=2024):
    return list(
        Receipt.objects.filter(organisation=org, year=year)
        .order_by("number")
        .values_list("number", flat=True)
    )


# --- the PDF -------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF written by fpdf2: its content streams, with each font's
    glyph codes mapped back to characters through the font's ToUnicode table."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def stream(body):
        head, _, rest = body.partition(b"stream")
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        raw = rest.lstrip(b"\r")[1 : 1 + length]
        return zlib.decompress(raw) if b"/FlateDecode" in head else raw

    fonts = {}
    for body in objects.values():
        table = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", table.group(1) if table else b""):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)]).group(1)
            pairs = re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]+)>", stream(objects[int(to_unicode)]))
            fonts[name] = {
                int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be") for a, b in pairs
            }
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    text, font = [], {}
    for page in re.findall(rb"/Contents (\d+) 0 R", data):
        content = stream(objects[int(page)])
        for name, literal in re.findall(
            rb"/(\w+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.S
        ):
            if name:
                font = fonts[name]
                continue
            raw = re.sub(
                rb"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), literal, flags=re.S
            )
            text.append(
                "".join(font[int.from_bytes(raw[i : i + 2])] for i in range(0, len(raw), 2))
            )
    return "\n".join(text)


def test_the_pdf_holds_the_same_receipt_as_the_print_page(cast, login):
    appeal = campaign(cast, auto=False)
    gift = donation(cast, appeal, name="Nguyễn Thị Hoa")
    receipt = receipts.issue(cast.root, gift)
    response = login(cast.hn_accountant).get(f"/bien-nhan/{receipt.pk}.pdf")
    data = response.content
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert data.startswith(b"%PDF-") and b"/FontFile2" in data  # the font travels inside
    assert 'filename="bien-nhan-00001-2024.pdf"' in response["Content-Disposition"]
    text = pdf_text(data)
    for expected in (
        "HỘI CHỮ THẬP ĐỎ HÀ NỘI",
        "Số: 00001/2024",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BIÊN NHẬN ỦNG HỘ",
        "Nguyễn Thị Hoa",
        "1.500.000 ₫",
        "Một triệu năm trăm nghìn đồng",
        "10/09/2024",
        "Ủng hộ đồng bào lũ lụt",
        receipt.code,
    ):
        assert expected in text, expected
    page = login(cast.hn_accountant).get(f"/bien-nhan/{receipt.pk}/").content.decode()
    assert f'href="/bien-nhan/{receipt.pk}.pdf"' in page
    assert "Một triệu năm trăm nghìn đồng" in page and "1.500.000 ₫" in page


def test_goods_print_with_their_quantity_and_unit(cast, login):
    appeal = campaign(cast, auto=False)
    rice = actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="in_kind",
        received_on=date(2024, 9, 11),
        amount=1_250_000,
        campaign=appeal,
        donor_name="Công ty Gạo Thái Bình",
        goods_item="Gạo",
        goods_quantity="50.00",
        goods_unit="kg",
    )
    rice.refresh_from_db()
    receipt = receipts.issue(cast.root, rice)
    text = pdf_text(login(cast.hn_viewer).get(f"/bien-nhan/{receipt.pk}.pdf").content)
    assert "(hiện vật: Gạo 50 kg)" in text and "Một triệu hai trăm năm mươi nghìn đồng" in text


@pytest.mark.parametrize(
    "who, status",
    [
        ("hn_accountant", 200),  # the receiving province
        ("hn_viewer", 200),  # any role there sees its receipts
        ("tw_manager", 200),  # the central body above it
        ("ba_dinh_officer", 404),  # a commune below does not see the province's book
        ("tq_officer", 404),  # another province
        ("outsider", 404),  # no role anywhere
    ],
)
def test_the_pdf_is_open_to_whoever_may_open_the_print_page(cast, login, who, status):
    receipt = receipts.issue(cast.root, donation(cast, campaign(cast, auto=False)))
    client = login(getattr(cast, who))
    assert client.get(f"/bien-nhan/{receipt.pk}/").status_code == status
    assert client.get(f"/bien-nhan/{receipt.pk}.pdf").status_code == status


def test_the_pdf_needs_a_login(cast, client):
    receipt = receipts.issue(cast.root, donation(cast, campaign(cast, auto=False)))
    response = client.get(f"/bien-nhan/{receipt.pk}.pdf")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "amount, words",
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_011, "Một nghìn không trăm mười một đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (2_000_035, "Hai triệu không trăm ba mươi lăm đồng"),
        (87_663_313, "Tám mươi bảy triệu sáu trăm sáu mươi ba nghìn ba trăm mười ba đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_000_000_001, "Một tỷ không trăm linh một đồng"),
        (1_234_000_000_000, "Một nghìn hai trăm ba mươi bốn tỷ đồng"),
    ],
)
def test_amounts_are_written_out_in_vietnamese(amount, words):
    assert receipts.amount_in_words(amount) == words


# --- automatic receipts: typed-in donations ------------------------------------------------


def test_a_named_donation_typed_in_gets_its_receipt_at_once(cast, login):
    campaign(cast)
    response = login(cast.hn_accountant).post("/ung-ho/them/cash/", cash())
    gift = Donation.objects.get()
    receipt = Receipt.objects.get(donation=gift)
    assert response.status_code == 302 and (receipt.number, receipt.year) == (1, 2024)
    assert receipt.issued_by == cast.hn_accountant and receipts.verify(receipt.code).genuine
    page = login(cast.hn_accountant).get(f"/ung-ho/{gift.pk}/").content.decode()
    assert 'id="receipt-link"' in page


def test_a_named_donation_without_a_phone_also_gets_one(cast, login):
    campaign(cast)
    login(cast.hn_accountant).post("/ung-ho/them/cash/", cash(donor_phone=""))
    assert Donation.objects.get().donor is None and Receipt.objects.count() == 1


def test_an_anonymous_donation_gets_no_receipt(cast, login):
    campaign(cast)
    login(cast.hn_accountant).post("/ung-ho/them/cash/", cash(donor_kind="anonymous"))
    assert Donation.objects.count() == 1 and Receipt.objects.count() == 0


def test_a_campaign_with_the_switch_off_issues_none(cast, login):
    campaign(cast, auto=False)
    login(cast.hn_accountant).post("/ung-ho/them/cash/", cash())
    assert Donation.objects.count() == 1 and Receipt.objects.count() == 0


def test_a_refused_donation_leaves_neither_receipt_nor_number(cast, login):
    campaign(cast)
    response = login(cast.hn_accountant).post("/ung-ho/them/cash/", cash(received_on="10/12/2024"))
    assert response.status_code == 200 and Donation.objects.count() == 0
    assert Receipt.objects.count() == 0 and not ReceiptCounter.objects.filter(last__gt=0).exists()


def test_the_api_issues_the_receipt_too(cast, login):
    campaign(cast)
    payload = {**cash(), "received_on": "2024-09-10", "amount": 200_000}
    response = login(cast.hn_accountant).post(
        "/api/donations", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Receipt.objects.get().donation_id == response.json()["id"]


def test_typed_in_and_hand_issued_receipts_share_one_gapless_book(cast, login):
    appeal = campaign(cast)
    manual = receipts.issue(cast.root, donation(cast, appeal))  # no automatic path: number 1
    client = login(cast.hn_accountant)
    client.post("/ung-ho/them/cash/", cash())
    client.post("/ung-ho/them/cash/", cash(donor_kind="anonymous"))  # none
    client.post("/ung-ho/them/cash/", cash(donor_name="Trần Văn Nam", donor_phone="0987654321"))
    anonymous = Donation.objects.get(donor_name="")
    later = receipts.issue(cast.hn_accountant, anonymous)  # on request, still allowed
    assert manual.number == 1 and later.number == 4 and numbers(cast.hanoi) == [1, 2, 3, 4]


# --- automatic receipts: imported statements -----------------------------------------------


@pytest.fixture
def yagi(cast):
    return create_yagi(cast, target_amount=None, auto_receipts=True)


@pytest.fixture
def vcb(cast, yagi):
    return create_vcb(cast, yagi)


def imported(cast, vcb, *, with_receipts=False):
    """The VCB slice imported; unless `with_receipts`, with the campaign's switch off during
    the import (the import then issues none), so that the tests below drive issue_missing.
    With `with_receipts` the import queues its receipts task; the `tasks` fixture runs it."""
    from nhandao.campaigns.models import Campaign

    campaign = Campaign.objects.filter(pk=vcb.campaign_id)
    switch = campaign.get().auto_receipts
    if not with_receipts:
        campaign.update(auto_receipts=False)
    statement = actions.import_statement(
        cast.root, vcb, filename=VCB, data=(FIXTURES / VCB).read_bytes()
    )
    campaign.update(auto_receipts=switch)
    assert statement.status == "done", statement.errors[:3]
    return statement


def test_the_import_itself_issues_the_receipts_when_the_campaign_asks(cast, vcb, yagi, tasks):
    assert yagi.auto_receipts
    statement = imported(cast, vcb, with_receipts=True)
    assert Receipt.objects.count() == 0  # queued for the worker, after the import's commit
    tasks.run()
    named = in_statement_order(statement).exclude(donor_name="")
    assert named.count() > 20
    assert [d.receipt.number for d in named] == list(range(1, named.count() + 1))
    assert not Receipt.objects.filter(donation__donor_name="").exists()


def in_statement_order(statement):
    return Donation.objects.filter(statement_line__statement=statement).order_by(
        "received_on", "statement_line__row_no", "pk"
    )


def test_an_imported_statement_gets_receipts_for_its_named_lines_in_order(cast, vcb, yagi):
    statement = imported(cast, vcb)
    named = in_statement_order(statement).exclude(donor_name="")
    unnamed = in_statement_order(statement).filter(donor_name="")
    assert named.count() > 20 and Receipt.objects.count() == 0  # import alone issues none
    issued = receipts.issue_missing(statement_id=statement.pk, actor=cast.root, batch_size=7)
    assert issued == named.count()
    assert [d.receipt.number for d in named] == list(range(1, issued + 1))
    assert not Receipt.objects.filter(donation__in=unnamed).exists()
    some = Receipt.objects.order_by("?").first()
    assert receipts.verify(some.code).genuine
    assert receipts.verify(some.code, receipts.b64(some.payload.encode()), some.signature).genuine


def test_running_it_again_issues_nothing_new(cast, vcb, yagi, tasks):
    statement = imported(cast, vcb)
    tasks.run()  # the receipts task the import queued: it runs with the switch on again
    codes = set(Receipt.objects.values_list("code", flat=True))
    donation_tasks.issue_automatic_receipts.enqueue(statement.pk, cast.root.pk)
    tasks.run()
    first, again = [r.return_value for r in tasks.results(donation_tasks.issue_automatic_receipts)]
    assert first["issued"] == len(codes) > 0 and again["issued"] == 0
    assert set(Receipt.objects.values_list("code", flat=True)) == codes
    assert ReceiptCounter.objects.get(organisation=cast.front, year=2024).last == len(codes)


def test_automatic_and_hand_issued_receipts_share_one_gapless_book(cast, vcb, yagi):
    statement = imported(cast, vcb)
    named = list(in_statement_order(statement).exclude(donor_name=""))
    by_hand = [receipts.issue(cast.root, d) for d in (named[10], named[3])]  # numbers 1, 2
    reversed_one = actions.reverse_donation(cast.root, named[5], "nhập trùng")
    issued = receipts.issue_missing(statement_id=statement.pk, batch_size=4)
    after = receipts.issue(cast.root, named[5])  # a reversed donation only on request
    assert [r.number for r in by_hand] == [1, 2] and issued == len(named) - 3
    assert numbers(cast.front) == list(range(1, len(named) + 1)) and after.number == len(named)
    automatic = [
        d.receipt.number
        for d in in_statement_order(statement)
        .exclude(donor_name="")
        .exclude(pk__in=[named[10].pk, named[3].pk, reversed_one.pk])
    ]
    assert automatic == list(range(3, len(named)))


def test_a_batch_skips_donations_receipted_meanwhile_without_leaving_a_gap(
    cast, vcb, yagi, monkeypatch
):
    statement = imported(cast, vcb)
    named = list(in_statement_order(statement).exclude(donor_name=""))
    batch = numbering._issue_batch

    def someone_issues_one_by_hand_first(*args):
        if not Receipt.objects.exists():  # after the listing was read, before the first batch
            receipts.issue(cast.root, named[1])
            actions.reverse_donation(cast.root, named[2], "nhập nhầm")
        return batch(*args)

    monkeypatch.setattr(numbering, "_issue_batch", someone_issues_one_by_hand_first)
    issued = receipts.issue_missing(statement_id=statement.pk, batch_size=5)
    assert issued == len(named) - 2 and Receipt.objects.get(donation=named[1]).number == 1
    assert numbers(cast.front) == list(range(1, len(named)))
    assert not Receipt.objects.filter(donation=named[2]).exists()
    assert [Receipt.objects.get(donation=d).number for d in (named[0], named[3])] == [2, 3]


def test_a_statement_for_a_campaign_with_the_switch_off_gets_none(cast, vcb, yagi):
    campaign_actions.update_campaign(cast.root, yagi, auto_receipts=False)
    statement = imported(cast, vcb)
    assert receipts.issue_missing(statement_id=statement.pk) == 0
    assert Receipt.objects.count() == 0


def test_issue_missing_by_campaign_and_date(cast, vcb, yagi):
    statement = imported(cast, vcb)
    named = in_statement_order(statement).exclude(donor_name="")
    last_day = named.last().received_on
    on_last_day = named.filter(received_on=last_day).count()
    assert receipts.issue_missing([yagi.pk], since=last_day) == on_last_day
    assert receipts.issue_missing([yagi.pk + 1000]) == 0
    assert receipts.issue_missing([yagi.pk]) == named.count() - on_last_day


def test_no_receipt_is_ever_issued_for_a_cancelled_donation(cast, vcb, yagi):
    statement = imported(cast, vcb)
    donation = in_statement_order(statement).exclude(donor_name="").first()
    actions.reverse_donation(cast.root, donation, "nhập nhầm")
    donation.refresh_from_db()
    with pytest.raises(actions.DonationRefused, match="đã hủy"):
        receipts.issue(cast.root, donation)
    assert not Receipt.objects.exists()
