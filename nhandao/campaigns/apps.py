from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "nhandao.campaigns"
    label = "campaigns"
    verbose_name = "Chiến dịch"
