from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "iltod.accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from .third_party import label_third_party_apps

        label_third_party_apps()
