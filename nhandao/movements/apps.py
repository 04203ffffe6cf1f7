from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "nhandao.movements"
    verbose_name = "Phong trào và cuộc vận động"
    default_auto_field = "django.db.models.BigAutoField"
