"""The lists kept as data: purposes of reading sensitive data, kinds of data-subject request
with the time the law gives to answer, and retention periods. Editable in the admin."""

from django.db import migrations

PURPOSES = [
    ("xet-ho-tro", "Xét duyệt, cấp phát hỗ trợ"),
    ("xac-minh", "Xác minh danh tính, trùng lặp hồ sơ"),
    ("lien-lac", "Liên lạc với người được hỗ trợ"),
    ("yeu-cau-chu-the", "Trả lời yêu cầu của chính người có dữ liệu"),
    ("thanh-tra", "Thanh tra, kiểm tra, kiểm toán"),
]

LAW = "Nghị định 13/2023/NĐ-CP; Luật Bảo vệ dữ liệu cá nhân 2025"
KINDS = [
    ("see", "Xem, nhận bản sao dữ liệu", 72, f"{LAW}, Điều 14 (cung cấp dữ liệu)"),
    ("correct", "Chỉnh sửa dữ liệu", 72, f"{LAW}, Điều 15 (chỉnh sửa)"),
    ("erase", "Xoá dữ liệu", 72, f"{LAW}, Điều 16 (xoá dữ liệu)"),
    ("restrict", "Hạn chế xử lý dữ liệu", 72, f"{LAW}, Điều 9 (quyền hạn chế xử lý)"),
]

RULES = [
    ("nhat-ky-doc", "Nhật ký đọc dữ liệu nhạy cảm", 5, "Lưu vết xử lý dữ liệu cá nhân"),
    ("thong-bao", "Thông báo đã đọc", 1, ""),
    ("doi-tuong-da-gop", "Hồ sơ đối tượng đã gộp vào hồ sơ khác, không còn hỗ trợ", 10,
     "Luật Kế toán 2015, Điều 41 (chứng từ lưu 10 năm)"),
]  # fmt: skip


def seed(apps, schema_editor):
    ReadPurpose = apps.get_model("beneficiaries", "ReadPurpose")
    Kind = apps.get_model("beneficiaries", "DataRequestKind")
    Rule = apps.get_model("beneficiaries", "RetentionRule")
    for code, label in PURPOSES:
        ReadPurpose.objects.get_or_create(code=code, defaults={"label": label})
    for code, label, hours, law in KINDS:
        Kind.objects.get_or_create(
            code=code, defaults={"label": label, "deadline_hours": hours, "law": law}
        )
    for kind, label, years, law in RULES:
        Rule.objects.get_or_create(kind=kind, defaults={"label": label, "years": years, "law": law})


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0006_personal_data")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
