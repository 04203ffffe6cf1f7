"""Reference data kept as data: the uses that unconditional contributions may be spent on
(Decree 93/2021/NĐ-CP, art. 11 cl. 1, summarised; source: the decree as quoted by the
Fatherland Front's disclosure of 15/09/2024) and the default overlap windows per kind."""

from django.db import migrations

LEGAL = "NĐ 93/2021/NĐ-CP, Điều 11 khoản 1"
USES = [
    ("injured_missing_funeral", "Hỗ trợ người bị thương nặng, gia đình có người mất tích; chi phí mai táng cho gia đình có người chết"),
    ("food_water_medicine", "Hỗ trợ lương thực, thực phẩm, nước uống, thuốc chữa bệnh và nhu yếu phẩm thiết yếu"),
    ("housing", "Hỗ trợ sửa chữa, xây dựng lại nhà ở bị đổ, sập, trôi, cháy, hư hỏng nặng; di dời nhà ở khẩn cấp"),
    ("evacuation", "Hỗ trợ di chuyển người dân ra khỏi vùng thiên tai, dịch bệnh, sự cố"),
    ("temporary_shelter", "Dựng lán trại tạm thời cho người dân phải di dời hoặc mất nhà ở"),
    ("sanitation", "Vệ sinh môi trường, phòng chống bệnh truyền nhiễm ở vùng bị tác động"),
    ("medical_supplies", "Mua sắm trang thiết bị, vật tư y tế, hàng hóa cần thiết để phòng, chống dịch bệnh"),
    ("production", "Hỗ trợ giống cây trồng, vật nuôi, thủy sản, vật tư, nhiên liệu, công cụ sản xuất để phục hồi sản xuất"),
    ("public_works", "Hỗ trợ sửa chữa, khôi phục công trình phòng chống thiên tai, giao thông, thông tin và công trình công cộng"),
]
# kind: (overlap window in days, the art. 11 use it serves, or None)
WINDOWS = {
    "cash": (30, "food_water_medicine"), "gift": (30, "food_water_medicine"),
    "house": (1825, "housing"), "livelihood": (365, "production"), "scholarship": (180, None),
    "health_insurance": (365, None), "medicine": (30, "food_water_medicine"), "other": (30, None),
}


def load(apps, schema_editor):
    AllowedUse = apps.get_model("relief", "AllowedUse")
    KindPolicy = apps.get_model("relief", "KindPolicy")
    for order, (code, name) in enumerate(USES, start=1):
        AllowedUse.objects.update_or_create(code=code, defaults={"name": name, "legal_ref": LEGAL,
                                                                 "order": order})
    for kind, (days, use) in WINDOWS.items():
        KindPolicy.objects.update_or_create(kind=kind, defaults={
            "overlap_days": days,
            "allowed_use": AllowedUse.objects.get(code=use) if use else None,
        })


class Migration(migrations.Migration):
    dependencies = [("relief", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
