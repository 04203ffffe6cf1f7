from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "nhandao.portal"
    label = "portal"
    verbose_name = "Cổng công khai"
