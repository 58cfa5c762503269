from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

# The apps whose records the public pages count and facet.
CATALOGUE_APPS = ("processes", "timeline")


def catalogue_changed(sender, using="default", **kwargs):
    """Any saved, deleted or relinked catalogue record invalidates cached counts."""
    from processes.models import CatalogueVersion

    if sender is CatalogueVersion or sender._meta.app_label not in CATALOGUE_APPS:
        return
    if sender.__name__.startswith("Historical"):  # django-simple-history's own rows
        return
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed fires twice
        return
    CatalogueVersion.bump(using=using)


class ProcessesConfig(AppConfig):
    name = "processes"
    verbose_name = "Processes, states and organizations"

    def ready(self):
        from django.db.backends.signals import connection_created

        from migration_governance import checks  # noqa: F401 (registers the deploy checks)
        from processes import time_budget

        # Page and block time limits on every connection (processes/time_budget.py).
        connection_created.connect(time_budget.connection_created, dispatch_uid="time_budget")
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(catalogue_changed, dispatch_uid=f"catalogue_changed_{signal!r}")
