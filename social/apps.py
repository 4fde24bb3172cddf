from django.apps import AppConfig


class SocialConfig(AppConfig):
    """The social graph: follows, blocks and mutes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "social"
