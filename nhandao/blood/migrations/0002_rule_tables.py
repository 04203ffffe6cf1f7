"""The dated rule tables as data: intervals (Circular 26/2013/TT-BYT art. 6), the value of a
unit for the reports (the gifts of Circular 17/2020/TT-BYT) and the default milestone
honours (Decision 122/QĐ-BCĐQG 2017, whose district bodies ended on 1 July 2025: from that
day the commune's steering committee awards what the district's did). Provinces add their
own rows in the admin; these are the defaults everywhere."""

from datetime import date

from django.db import migrations

CIRCULAR_26 = "Thông tư 26/2013/TT-BYT, điều 6"
SINCE = date(2013, 1, 1)  # a floor: no donation of the tables predates the circular's rule
INTERVALS = [("whole", 84), ("red_cells", 84), ("platelets", 14), ("plasma", 14)]
VALUES = [(250, 100_000), (350, 150_000), (450, 180_000)]
VALUES_SINCE = date(2021, 1, 1)
MERGER = date(2025, 7, 1)
BEFORE_MERGER = date(2025, 6, 30)
BCD = "Ban Chỉ đạo vận động hiến máu tình nguyện"
HONOURS = [
    # donations, award, awarded by before 1/7/2025, awarded by from 1/7/2025
    (5, "Giấy chứng nhận", f"{BCD} cấp huyện", f"{BCD} cấp xã"),
    (10, "Giấy khen", f"{BCD} cấp huyện", f"{BCD} cấp xã"),
    (15, "Giấy khen", f"{BCD} cấp tỉnh", f"{BCD} cấp tỉnh"),
    (20, "Bằng khen", "Ủy ban nhân dân cấp tỉnh", "Ủy ban nhân dân cấp tỉnh"),
    (30, "Bằng khen", "Trung ương Hội Chữ thập đỏ Việt Nam", "Trung ương Hội Chữ thập đỏ Việt Nam"),
    (40, "Bằng khen", "Bộ Y tế", "Bộ Y tế"),
    (50, "Bằng khen", "Bộ Y tế", "Bộ Y tế"),
    (70, "Bằng khen", "Thủ tướng Chính phủ (đề nghị)", "Thủ tướng Chính phủ (đề nghị)"),
    (100, "Bằng khen", "Thủ tướng Chính phủ (đề nghị)", "Thủ tướng Chính phủ (đề nghị)"),
]


def forwards(apps, schema_editor):
    IntervalRule = apps.get_model("blood", "IntervalRule")
    UnitValue = apps.get_model("blood", "UnitValue")
    HonourThreshold = apps.get_model("blood", "HonourThreshold")
    for kind, days in INTERVALS:
        IntervalRule.objects.get_or_create(
            kind=kind, valid_from=SINCE, defaults={"days": days, "source": CIRCULAR_26}
        )
    for volume, value in VALUES:
        UnitValue.objects.get_or_create(
            volume_ml=volume, valid_from=VALUES_SINCE, defaults={"value": value}
        )
    for count, award, before, after in HONOURS:
        HonourThreshold.objects.get_or_create(
            province=None, donations=count, valid_from=date(2017, 1, 1),
            defaults={"award": award, "awarded_by": before, "valid_to": BEFORE_MERGER},
        )  # fmt: skip
        HonourThreshold.objects.get_or_create(
            province=None, donations=count, valid_from=MERGER,
            defaults={"award": award, "awarded_by": after},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("blood", "0001_blood")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
