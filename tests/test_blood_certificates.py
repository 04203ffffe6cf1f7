"""The blood-donor honour certificate as a PDF (and still as Word): what it says, read back
with pymupdf; one A4 landscape page even with long names; the officer's and the donor's
downloads (PDF by default, Word with ?dinh-dang=docx), and nobody else's certificate."""

import io
from datetime import date

import pymupdf
import pytest
from docx import Document

from nhandao.blood import certificates, honours
from tests.test_blood import _history, frozen_today, make_donor  # noqa: F401

PDF = "application/pdf"
MM = 72 / 25.4  # points per mm


def _text(data: bytes) -> str:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return " ".join(" ".join(page.get_text().split()) for page in doc)


@pytest.fixture
def honour(cast):
    """Nguyễn Thị Hường's 10-donation honour, proposed for 7/4/2026 (no decision yet)."""
    donor = make_donor(cast, "Nguyễn Thị Hường", sex="female", born=date(1985, 3, 9),
                       phone="0911000009")  # fmt: skip
    _history(donor, 10)
    (made,) = honours.propose(cast.root, cast.ba_dinh.admin_unit.province, 2026, "04-07")
    return made


def test_the_pdf_says_what_the_certificate_says(cast, honour):
    ctx = certificates.context(honour)
    text = _text(certificates.pdf_bytes(honour))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert ctx["awarded_by"] in text and ctx["award"] in text
    assert "Nguyễn Thị Hường — sinh năm 1985" in text
    assert "Đã 10 lần hiến máu tình nguyện cứu người" in text
    assert "Nhân dịp Ngày Toàn dân hiến máu tình nguyện (7/4) năm 2026" in text
    assert f"Đơn vị đề nghị: {cast.ba_dinh.name}" in text
    assert "Quyết định" not in text  # a proposal: no decision yet
    # once awarded, the decision is printed (PDF and Word alike)
    honours.mark_awarded(cast.root, [honour], decision="125/QĐ-UBND", awarded_on=date(2026, 11, 20))
    honour.refresh_from_db()
    line = "Theo Quyết định số 125/QĐ-UBND ngày 20/11/2026"
    data = certificates.pdf_bytes(honour)
    assert line in _text(data)
    word = Document(io.BytesIO(certificates.render_docx(certificates.context(honour))))
    assert line in [p.text for p in word.paragraphs]
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        assert doc.page_count == 1
        assert (round(doc[0].rect.width), round(doc[0].rect.height)) == (842, 595)  # A4 landscape
        assert doc.metadata["title"] == "Giấy chứng nhận: Nguyễn Thị Hường"
        assert doc.xref_get_key(doc.pdf_catalog(), "Lang") == ("string", "vi")
        fonts = {f[3] for f in doc.get_page_fonts(0)}
        assert all("DejaVuSans" in f for f in fonts), fonts  # embedded, not a stand-in


def test_long_texts_shrink_or_wrap_inside_the_frame_on_one_page():
    ctx = {
        "awarded_by": "BAN CHỈ ĐẠO VẬN ĐỘNG HIẾN MÁU TÌNH NGUYỆN CẤP TỈNH TUYÊN QUANG VÀ CÁC "
        "ĐƠN VỊ TRỰC THUỘC",
        "award": "KỶ NIỆM CHƯƠNG VÌ SỰ NGHIỆP NHÂN ĐẠO VÀ HIẾN MÁU TÌNH NGUYỆN CỨU NGƯỜI",
        "full_name": "Tôn Nữ Hoàng Thị Phương Quỳnh Anh Nguyễn Ngọc Bích Trâm Diễm Kiều",
        "birth_year": 1968,
        "donations": 100,
        "occasion": "Ngày Quốc tế người hiến máu (14/6)",
        "year": 2026,
        "organisation": "Hội Chữ thập đỏ xã Thượng Lâm, tỉnh Tuyên Quang (Ban Chỉ đạo vận động "
        "hiến máu tình nguyện xã Thượng Lâm và các đơn vị phối hợp, trường học, cơ quan)",
        "decision": "1234/QĐ-BCĐVĐHMTN-TƯHCTĐVN",
        "awarded_on": "20/11/2026",
    }
    data = certificates.render_pdf(ctx)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        assert doc.page_count == 1
        page = doc[0]
        inside = pymupdf.Rect(13 * MM, 13 * MM, page.rect.width - 13 * MM,
                              page.rect.height - 13 * MM)  # fmt: skip
        blocks = page.get_text("blocks")
        assert blocks and all(inside.contains(pymupdf.Rect(b[:4])) for b in blocks), blocks
    text = _text(data)
    assert "Trâm Diễm Kiều — sinh năm 1968" in text and "Đã 100 lần hiến máu" in text
    assert "ngày 20/11/2026" in text and "trường học, cơ quan)" in text


def test_the_officer_downloads_the_pdf_or_the_word_file(cast, login, honour):
    url = f"/hien-mau/vinh-danh/{honour.pk}/giay-chung-nhan/"
    manager = login(cast.hn_manager)
    answer = manager.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == PDF
    assert answer["Content-Disposition"] == (
        'attachment; filename="giay-chung-nhan-nguyen-thi-huong-10-lan.pdf"'
    )
    assert "Nguyễn Thị Hường" in _text(answer.content)
    word = manager.get(url + "?dinh-dang=docx")
    assert word["Content-Disposition"].endswith(
        'filename="giay-chung-nhan-nguyen-thi-huong-10-lan.docx"'
    )
    text = [p.text for p in Document(io.BytesIO(word.content)).paragraphs]
    assert "Nguyễn Thị Hường — sinh năm 1985" in text
    # both links are on the donor's page and the honour list
    for page in (f"/hien-mau/nguoi-hien/{honour.donor_id}/", "/hien-mau/vinh-danh/?nam=2026"):
        body = manager.get(page).content.decode()
        assert f'href="{url}"' in body and f'href="{url}?dinh-dang=docx"' in body
    for fmt in ("", "?dinh-dang=docx"):  # the same access check for both
        assert login(cast.tq_officer).get(url + fmt).status_code == 404


def test_the_donor_downloads_only_their_own_certificate(cast, client, honour):
    from nhandao.lib import sms

    other = make_donor(cast, "Trần Văn Khác", phone="0911000010")
    _history(other, 5)
    (others,) = honours.propose(cast.root, cast.ba_dinh.admin_unit.province, 2026, "06-14")
    assert others.donor_id == other.pk
    url = "/cong-khai/hien-mau/cua-toi/"
    client.post(url, {"phone": "0911000009"})
    code = sms.outbox[0].text.split(": ")[1][:6]  # by SMS to the phone typed
    page = client.post(url, {"phone": "0911000009", "code": code}, follow=True).content.decode()
    mine = f"/cong-khai/hien-mau/cua-toi/giay-chung-nhan/{honour.pk}/"
    assert f'href="{mine}"' in page and f'href="{mine}?dinh-dang=docx"' in page
    answer = client.get(mine)
    assert answer.status_code == 200 and answer["Content-Type"] == PDF
    assert answer["Content-Disposition"].endswith(
        'filename="giay-chung-nhan-nguyen-thi-huong-10-lan.pdf"'
    )
    assert "Nguyễn Thị Hường — sinh năm 1985" in _text(answer.content)
    assert client.get(mine + "?dinh-dang=docx")["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    theirs = f"/cong-khai/hien-mau/cua-toi/giay-chung-nhan/{others.pk}/"
    assert client.get(theirs).status_code == 404
    assert client.get(theirs + "?dinh-dang=docx").status_code == 404
