from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "nhandao.reports"
    verbose_name = "Báo cáo và chỉ tiêu"
    default_auto_field = "django.db.models.BigAutoField"
