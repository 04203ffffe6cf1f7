from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nhandao.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
