from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Timeline: events and documents"

    def ready(self):
        from timeline import lists  # noqa: F401 (registers the app's lists)
