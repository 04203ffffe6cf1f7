from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "nhandao.coordination"
    verbose_name = "Phối hợp, chỉ đạo và giám sát"
    default_auto_field = "django.db.models.BigAutoField"
