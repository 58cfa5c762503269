"""The two models the core keeps its state in, named by settings as Django names its user
model (AUTH_USER_MODEL), so that the core imports no app: the catalogue's version stamp
(``CATALOGUE_VERSION_MODEL``: ``state()``, ``current()``, ``for_request(request)``) and the
figures worked out ahead of time (``SELECTION_FIGURES_MODEL``: key, version, figures)."""

from django.apps import apps
from django.conf import settings


def catalogue_version_model():
    """The model whose number changes with every change to the catalogue."""
    return apps.get_model(settings.CATALOGUE_VERSION_MODEL)


def selection_figures_model():
    """The model holding each page's figures, worked out ahead of time (figures.py)."""
    return apps.get_model(settings.SELECTION_FIGURES_MODEL)
