from django.apps import AppConfig


class TimelinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timelines"
