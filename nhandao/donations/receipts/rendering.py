"""The printed receipt, shared by the HTML page and the PDF: the verification QR code's
query, the amount in words, the goods, and the A5 PDF."""

from pathlib import Path

import segno

from nhandao.donations.models import Receipt
from nhandao.donations.receipts.keys import b64
from nhandao.lib.dates import format_date
from nhandao.lib.money import format_vnd


def qr_query(receipt: Receipt) -> str:
    return f"p={b64(receipt.payload.encode())}&s={receipt.signature}"


# --- the printed receipt (shared by the HTML page and the PDF) -----------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three_digits(n: int, full: bool) -> list[str]:
    """0 < n < 1000 read aloud; `full` when a higher group came before ("không trăm linh")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _number_words(n: int, full: bool = False) -> list[str]:
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        return _number_words(high, full) + ["tỷ"] + (_number_words(low, True) if low else [])
    words = []
    for value, unit in ((n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")):
        if value:
            words += _three_digits(value, full or bool(words)) + ([unit] if unit else [])
    return words


def amount_in_words(amount: int) -> str:
    """1500000 → "Một triệu năm trăm nghìn đồng" (as written on Vietnamese receipts)."""
    text = " ".join(_number_words(int(amount))) if amount else "không"
    return f"{text[0].upper()}{text[1:]} đồng"


def goods_text(donation) -> str:
    """ "tiền mặt" or "hiện vật: Gạo 50 kg" (a quantity without needless decimals)."""
    text = donation.get_channel_display().lower()
    if donation.goods_item:
        quantity = ""
        if donation.goods_quantity is not None:
            quantity = f"{donation.goods_quantity.normalize():f}".replace(".", ",")
        parts = [donation.goods_item, quantity, donation.goods_unit]
        text += ": " + " ".join(p for p in parts if p)
    return text


FONTS = Path(__file__).parent.parent / "data" / "fonts"
A5 = (148, 210)  # mm, portrait


def _draw_qr(pdf, text: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (one per run of dark modules): sharp at any zoom."""
    qr = segno.make(text, error="m")
    matrix = list(qr.matrix_iter(scale=1, border=0))
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_no, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            pdf.rect(x + start * module, y + row_no * module, (col - start) * module, module, "F")


def receipt_pdf(receipt: Receipt, verify_url: str) -> bytes:
    """The receipt as an A5 PDF: the same content as the print page, DejaVu Sans embedded
    (subset) so every Vietnamese letter prints, and the verification QR code."""
    from fpdf import FPDF

    donation = receipt.donation
    org = receipt.organisation
    number = f"{receipt.number:05d}/{receipt.year}"
    pdf = FPDF(format=A5, unit="mm")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, 12)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(f"Biên nhận số {number}")
    pdf.set_author(org.name)
    pdf.set_subject(f"Biên nhận ủng hộ, mã kiểm tra {receipt.code}")
    pdf.set_creator("nhandao")
    pdf.set_lang("vi")
    pdf.add_page()
    width = pdf.epw
    top = pdf.get_y()

    pdf.set_font("DejaVu", "B", 8.5)
    pdf.multi_cell(width * 0.46, 4.5, org.name.upper(), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width * 0.46, 5, f"Số: {number}", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width * 0.48, top)
    pdf.set_font("DejaVu", "B", 8.5)
    pdf.cell(width * 0.52, 4.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_xy(pdf.l_margin + width * 0.48, top + 4.5)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.cell(width * 0.52, 4.5, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.set_y(max(left_bottom, top + 9) + 8)

    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(width, 9, "BIÊN NHẬN ỦNG HỘ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)

    def line(label: str, value: str = "", rest: str = "") -> None:
        pdf.set_font("DejaVu", "", 10.5)
        pdf.write(6, label)
        if value:
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.write(6, value)
        if rest:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.write(6, rest)
        pdf.ln(7.5)

    line("Đã nhận của: ", donation.display_donor)
    line("Số tiền / giá trị: ", format_vnd(donation.amount), f" ({goods_text(donation)})")
    line("Bằng chữ: ", "", amount_in_words(donation.amount) + ".")
    line("Ngày nhận: ", format_date(donation.received_on))
    if donation.campaign_id:
        line("Chiến dịch: ", str(donation.campaign))
    if donation.earmark_ref:
        line("Chỉ định sử dụng: ", donation.earmark_ref)

    pdf.ln(3)
    size = 38
    if pdf.get_y() + size > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y()
    _draw_qr(pdf, verify_url, pdf.l_margin, y, size)
    pdf.link(pdf.l_margin, y, size, size, verify_url)
    pdf.set_xy(pdf.l_margin + size + 5, y + 1)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(
        width - size - 5,
        4.3,
        "Quét mã hoặc mở trang kiểm tra để xác minh biên nhận (chữ ký số Ed25519 của tổ "
        "chức, khóa công khai tại /khoa-cong-khai/).\n"
        f"Trang kiểm tra: {verify_url.split('?')[0]}\n"
        f"Mã biên nhận: {receipt.code}",
        align="L",
    )
    return bytes(pdf.output())
