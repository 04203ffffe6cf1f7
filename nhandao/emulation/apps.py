from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "nhandao.emulation"
    verbose_name = "Thi đua, khen thưởng"
    default_auto_field = "django.db.models.BigAutoField"
