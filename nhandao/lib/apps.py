from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "nhandao.lib"
    label = "lib"
    verbose_name = "Tiện ích"
