"""People and their preferences as a Django app (label ``accounts``): see medsite/accounts/__init__.py."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "medsite.accounts"
    label = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # Imported here: the receiver reads the preferences model, loaded only by now.
        from django.contrib.auth.signals import user_logged_in

        from medsite.accounts.timezones import remember_time_zone

        user_logged_in.connect(remember_time_zone, dispatch_uid="medsite.accounts.remember_time_zone")
