from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "nhandao.relief"
    label = "relief"
    verbose_name = "Cứu trợ"
