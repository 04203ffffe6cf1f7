from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "nhandao.reports"
    verbose_name = "Báo cáo và chỉ tiêu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from nhandao.lib import deadlines
        from nhandao.reports import reminders

        # reports due within the days asked or late: `nhandao deadlines`
        deadlines.register("reports", reminders.due)
