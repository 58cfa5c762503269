"""The home page says what the catalogue is and how much it holds."""

import pytest

from processes.models import Process
from tests.factories import make_process

pytestmark = pytest.mark.django_db


def test_home_page_shows_counts(client):
    before = Process.objects.count()
    make_process()
    make_process()
    response = client.get("/")
    assert response.status_code == 200
    counts = {label: count for label, count, _ in response.context["counts"]}
    assert counts["Processes"] == before + 2
    assert "Regional consultative process" in response.content.decode()
