from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

# The apps whose records the public pages count and facet.
CATALOGUE_APPS = ("processes", "timeline")


def catalogue_changed(sender, using="default", **kwargs):
    """Any saved, deleted or relinked catalogue record invalidates cached counts."""
    from processes.models import CatalogueVersion

    if sender is CatalogueVersion or sender._meta.app_label not in CATALOGUE_APPS:
        return
    if sender._meta.model_name in ("searchentry", "searchkey", "selectionfigures"):  # derived
        return
    if sender.__name__.startswith("Historical"):  # django-simple-history's own rows
        return
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed fires twice
        return
    CatalogueVersion.bump(using=using)
    # Once committed: the new version's counts and facets, ahead of the readers.
    from migration_governance.core import figures

    transaction.on_commit(figures.catalogue_changed, using=using)


def keep_search_index(sender, instance, raw=False, using="default", **kwargs):
    """A saved or deleted record (or state alias) is found by its new names at once. Raw
    saves (loading fixtures) are indexed together once the load is done."""
    from processes import search
    from processes.models import LanguageName, StateAlias

    if raw:
        return
    if sender is StateAlias:
        if instance.state_id:
            search.reindex(instance.state, using=using)
        return
    if sender is LanguageName:  # a French or Spanish name finds its process or organization
        for owner in (instance.process, instance.organization):
            if owner is not None:
                search.reindex(owner, using=using)
        return
    if search.kind_of(sender) is None:
        return
    if kwargs.get("signal") is post_delete:
        search.forget(instance, using=using)
    else:
        search.reindex(instance, using=using)


class ProcessesConfig(AppConfig):
    name = "processes"
    verbose_name = "Processes, states and organizations"

    def ready(self):
        from django.db.backends.signals import connection_created

        from migration_governance import checks  # noqa: F401 (registers the deploy checks)
        from migration_governance.core import time_budget
        from processes import lists  # noqa: F401 (registers the app's lists)

        # Page and block time limits on every connection (migration_governance/core/time_budget.py).
        connection_created.connect(time_budget.connection_created, dispatch_uid="time_budget")
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(catalogue_changed, dispatch_uid=f"catalogue_changed_{signal!r}")
        for signal in (post_save, post_delete):
            signal.connect(keep_search_index, dispatch_uid=f"keep_search_index_{signal!r}")
