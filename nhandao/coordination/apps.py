from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "nhandao.coordination"
    verbose_name = "Phối hợp, chỉ đạo và giám sát"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from nhandao.coordination import reminders
        from nhandao.lib import deadlines

        # tasks and findings due within the days asked or late: `nhandao deadlines` too
        deadlines.register("coordination", reminders.deadlines_due)
