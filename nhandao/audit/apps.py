from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nhandao.audit"
    label = "audit"
    verbose_name = "Nhật ký"
