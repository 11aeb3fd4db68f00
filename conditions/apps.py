from __future__ import annotations

from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    """Condition pages: written, reviewed by a second medical reviewer, and published frozen."""

    name = "conditions"
    verbose_name = "Conditions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The image library asks the apps that show images where each is used (images.usage).
        from conditions import imageuse

        imageuse.register()
