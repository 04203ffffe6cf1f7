from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "nhandao.beneficiaries"
    verbose_name = "Đối tượng thụ hưởng"
    default_auto_field = "django.db.models.BigAutoField"
