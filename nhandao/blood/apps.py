from django.apps import AppConfig


class BloodConfig(AppConfig):
    name = "nhandao.blood"
    verbose_name = "Hiến máu tình nguyện"
    default_auto_field = "django.db.models.BigAutoField"
