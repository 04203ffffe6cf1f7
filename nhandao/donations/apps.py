from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "nhandao.donations"
    label = "donations"
    verbose_name = "Tiếp nhận ủng hộ"
