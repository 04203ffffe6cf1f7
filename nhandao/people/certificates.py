"""Training certificates: a .docx (python-docx) with a QR code to a public page that says
only the name, the course and the date the certificate is valid until."""

import io

import segno
from django.core import signing

SALT = "nhandao.people.training-certificate"


def token(participant) -> str:
    return signing.dumps(participant.pk, salt=SALT, compress=True)


def read_token(value: str):
    return signing.loads(value, salt=SALT)


def docx_bytes(participant, verify_url: str) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    from nhandao.lib.decree30 import MOTTO, NATIONAL_TITLE, a4_document, para

    course = participant.course
    doc = a4_document()
    for text, size, bold in (
        (NATIONAL_TITLE, 12, True),
        (MOTTO, 12, False),
        (course.organisation.name.upper(), 12, True),
        ("GIẤY CHỨNG NHẬN", 20, True),
        (f"Chứng nhận ông/bà: {participant.individual.full_name}", 14, True),
        (f"Đã hoàn thành khóa {course.get_kind_display().lower()}: {course.name}", 13, False),
        (f"từ ngày {course.starts_on:%d/%m/%Y} đến ngày {course.ends_on:%d/%m/%Y}, "
         f"giảng viên {course.trainer}.", 13, False),
        (f"Số: {participant.certificate_no} · Cấp ngày {participant.issued_on:%d/%m/%Y} · "
         f"Có giá trị đến {participant.expires_on:%d/%m/%Y}", 12, False),
    ):  # fmt: skip
        para(doc, text, size=size, bold=bold)
    png = io.BytesIO()
    segno.make(verify_url, error="m").save(png, kind="png", scale=6)
    png.seek(0)
    doc.add_picture(png, width=Mm(30))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("Quét mã để kiểm tra giấy chứng nhận.").alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
