from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "nhandao.demo"
    label = "demo"
    verbose_name = "Dữ liệu demo"
