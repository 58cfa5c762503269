"""What every public page carries: the catalogue's name and sections, a footer saying what
it is, where its data comes from and how to cite it, a favicon; dates as valid <time>."""

import re

import pytest

from processes.templatetags.catalogue import as_time, role_tag

pytestmark = pytest.mark.django_db


def test_every_page_has_the_sections_the_footer_and_a_favicon_that_loads(client, catalogue):
    page = client.get("/events/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)
    for path in ("/processes/", "/states/", "/organizations/", "/events/", "/timeline/"):
        assert f'href="{path}"' in nav
    # The section being read is marked, for sight and for screen readers.
    assert re.search(r'href="/events/" aria-current="page"', nav)
    footer = re.search(r'<footer class="site-footer">.*?</footer>', page, re.S).group(0)
    assert "Where the data comes from" in footer and "Citing and reuse" in footer
    # No licence is invented: the terms are the publisher's, the sources keep their own.
    assert "licen" not in footer.lower()
    assert 'href="/sources/"' in footer
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    response = client.get(icon)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_a_date_range_is_two_times_not_one():
    html = str(as_time("2004-12-16 – 2004-12-17"))
    assert re.findall(r'<time datetime="([^"]+)">', html) == ["2004-12-16", "2004-12-17"]
    assert str(as_time("2006")).count('<time datetime="2006">2006</time>') == 1
    assert str(as_time("2017-07")).count('<time datetime="2017-07">') == 1
    # Anything that is not a date the catalogue writes stays text, escaped as usual.
    assert as_time("about 2006") == "about 2006"
    assert "<time" not in str(as_time(""))


def test_a_role_tag_names_the_role_in_words():
    assert str(role_tag("technical_support")) == (
        '<span class="tag role-technical_support">Facilitator or technical support</span>'
    )


def test_event_pages_write_each_date_in_its_own_time(client, catalogue):
    page = client.get("/events/").content.decode()
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">[^<]+</time> – <time', page)
    assert not re.search(r"<time[^>]*>[^<]* – ", page)
