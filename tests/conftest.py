"""Shared pytest fixtures."""

import pytest


@pytest.fixture
def loaded_catalogue(db):
    """The shipped catalogue, loaded from fixtures/ into the test database."""
    from processes.catalogue import load_catalogue

    return load_catalogue()
