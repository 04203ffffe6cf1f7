"""The standard indicators and the six-month/yearly report forms of the Red Cross and the
Front. They are data: an office adds an indicator or a rule in the admin, not in code."""

from django.db import migrations

INDICATORS = [
    # code, name, unit, source, expression, required
    ("received_money", "Tiền mặt, chuyển khoản tiếp nhận", "đồng", "computed", "", False),
    ("received_goods_value", "Hàng hóa tiếp nhận (quy ra tiền)", "đồng", "computed", "", False),
    ("allocated_in", "Kinh phí cấp trên phân bổ về", "đồng", "computed", "", False),
    ("allocated", "Kinh phí phân bổ xuống cấp dưới", "đồng", "computed", "", False),
    ("distributed", "Tiền, hàng đã trao tận tay người dân", "đồng", "computed", "", False),
    ("people_reached", "Số người được hỗ trợ", "người", "computed", "", False),
    ("households_reached", "Số hộ được hỗ trợ", "hộ", "computed", "", False),
    ("donors", "Số nhà hảo tâm có tên đã ủng hộ", "người", "computed", "", False),
    ("opening_balance", "Số dư quỹ đầu kỳ", "đồng", "entered", "", False),
    ("state_budget", "Ngân sách Nhà nước cấp", "đồng", "entered", "", True),
    ("other_value", "Giá trị hoạt động khác (ngày công, dịch vụ quy ra tiền)", "đồng",
     "entered", "", False),
    ("houses", "Nhà nhân đạo xây mới, sửa chữa", "căn", "entered", "", False),
    ("scholarships", "Học bổng, suất quà cho học sinh", "suất", "entered", "", False),
    ("total_value", "Tổng trị giá hoạt động", "đồng", "formula",
     "received_money + received_goods_value + other_value", False),
    ("ratio_to_budget", "Tỷ suất hoạt động so với ngân sách Nhà nước cấp", "lần", "formula",
     "total_value / state_budget", False),
]

SECTIONS = [
    "Kết quả đạt được",
    "Hạn chế, nguyên nhân",
    "Bài học kinh nghiệm",
    "Nhiệm vụ trọng tâm kỳ tới",
]

DUE_DAYS = {"branch": 5, "commune": 7, "district": 10, "province": 15, "central": 30}

FORMS = [
    ("hctd-so-ket", "Báo cáo sơ kết, tổng kết công tác Hội Chữ thập đỏ", "red_cross", "BC-HCTĐ"),
    ("mttq-so-ket", "Báo cáo kết quả vận động, tiếp nhận, phân phối nguồn đóng góp tự nguyện",
     "front", "BC-MTTQ"),
]

RULE = (
    "distributed + allocated",
    "received_money + received_goods_value + allocated_in + opening_balance",
    "Tiền, hàng đã trao và đã phân bổ xuống không được vượt quá số dư đầu kỳ cộng số đã tiếp nhận",
)


def forwards(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    ReportForm = apps.get_model("reports", "ReportForm")
    FormIndicator = apps.get_model("reports", "FormIndicator")
    ValidationRule = apps.get_model("reports", "ValidationRule")
    indicators = []
    for code, name, unit, source, expression, required in INDICATORS:
        indicator, _ = Indicator.objects.update_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "source": source, "expression": expression,
                      "required": required},  # fmt: skip
        )
        indicators.append(indicator)
    for code, name, kind, symbol in FORMS:
        form, _ = ReportForm.objects.update_or_create(
            code=code,
            defaults={"name": name, "org_kind": kind, "symbol": symbol, "sections": SECTIONS,
                      "due_days": DUE_DAYS},  # fmt: skip
        )
        for order, indicator in enumerate(indicators):
            FormIndicator.objects.get_or_create(form=form, indicator=indicator,
                                                defaults={"order": order})  # fmt: skip
        left, right, message = RULE
        ValidationRule.objects.get_or_create(form=form, left=left, right=right,
                                             defaults={"message": message})  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_reports")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
