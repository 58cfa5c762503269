"""The world maps as a reader gets them: every participating state drawn (as a shape or a
dot) or named beside the map, each a link with its name and role, the counts following
the page's filters, nothing that breaks the CSP, and light enough."""

import gzip
import re
from html.parser import HTMLParser

import pytest

from processes.management.commands.build_map import build, cut_at_antimeridian
from processes.maps import count_bins, geometry
from processes.models import MemberState, Participation, Process
from tests.factories import make_participation

pytestmark = pytest.mark.django_db


class MapReader(HTMLParser):
    """The map's linked states as {href: {"title", "classes", "path", "dot"}}, and the
    links named under it ("not on the map")."""

    def __init__(self):
        super().__init__()
        self.states, self.missing = {}, []
        self.current = None
        self.in_title = self.in_missing = False
        self.in_svg = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "map" in (attrs.get("class") or "").split():
            self.in_svg = True
        elif tag == "a" and self.in_svg:
            self.current = self.states.setdefault(
                attrs["href"],
                {"title": "", "classes": attrs["class"].split(), "path": "", "dot": False},
            )
        elif tag == "title" and self.current is not None:
            self.in_title = True
        elif tag == "path" and self.current is not None:
            self.current["path"] = attrs.get("d", "")
        elif tag == "circle" and self.current is not None:
            self.current["dot"] = True
        elif tag == "p" and "map-missing" in (attrs.get("class") or ""):
            self.in_missing = True
        elif tag == "a" and self.in_missing:
            self.missing.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg = False
        elif tag == "a" and self.in_svg:
            self.current = None
        elif tag == "title":
            self.in_title = False
        elif tag == "p":
            self.in_missing = False

    def handle_data(self, data):
        if self.in_title and self.current is not None:
            self.current["title"] += data


def read_map(response):
    assert response.status_code == 200
    reader = MapReader()
    reader.feed(response.content.decode())
    return reader


def test_every_participating_state_of_every_process_is_drawn_or_named(client, catalogue):
    processes = list(Process.objects.published())
    assert len(processes) > 20
    shapes = geometry()["shapes"]
    for process in processes:
        states = {
            p.state
            for p in Participation.objects.published().filter(process=process, state__isnull=False)
        }
        drawn = read_map(client.get(process.get_absolute_url()))
        for state in states:
            url = state.get_absolute_url()
            if state.iso3 in shapes:
                shown = drawn.states.get(url)
                assert shown, (process.slug, state.iso3)
                assert shown["path"] or shown["dot"], (process.slug, state.iso3)
                assert state.name in shown["title"]
            else:
                # No shape of its own (Serbia and Montenegro): named beside the map.
                assert url in drawn.missing, (process.slug, state.iso3)
        assert len(drawn.states) + len(drawn.missing) == len(states), process.slug


def test_small_states_are_dots_and_named_under_the_map(client, catalogue):
    response = client.get("/processes/pidc/")
    drawn = read_map(response)
    for iso3 in ("tuv", "nru", "ton", "wsm", "kir", "fji"):
        state = drawn.states.get(f"/states/{iso3}/")
        if state:  # the members the sources list
            assert state["dot"], iso3
    assert sum(s["dot"] for s in drawn.states.values()) >= 5
    assert "drawn as dots" in response.content.decode()


def test_the_two_koreas_are_told_apart_each_in_its_role(client, catalogue):
    drawn = read_map(client.get("/processes/bali-process/"))
    north, south = drawn.states["/states/prk/"], drawn.states["/states/kor/"]
    assert north["title"].startswith(MemberState.objects.get(iso3="PRK").name + ": ")
    assert south["title"].startswith(MemberState.objects.get(iso3="KOR").name + ": ")
    assert north["title"] != south["title"]
    roles = {
        p.state.iso3: p.get_role_display()
        for p in Participation.objects.published().filter(
            process__slug="bali-process", state__iso3__in=["PRK", "KOR"]
        )
    }
    assert roles["PRK"] in north["title"] and roles["KOR"] in south["title"]
    assert north["path"] != south["path"]


def test_a_historical_state_is_named_beside_the_map(client, catalogue):
    state_url = "/states/scg/"
    process = Participation.objects.published().filter(state__iso3="SCG").first().process
    drawn = read_map(client.get(process.get_absolute_url()))
    assert state_url in drawn.missing and state_url not in drawn.states


def test_states_map_follows_the_filters_and_links_each_state(client, catalogue):
    drawn = read_map(client.get("/states/?region=Africa"))
    assert "/states/gha/" in drawn.states
    assert "/states/fra/" not in drawn.states
    ghana = client.get("/states/gha/")
    assert ghana.status_code == 200 and "<h1>Ghana</h1>" in ghana.content.decode()

    for iso3 in ("GHA", "NGA", "MAR", "SEN"):
        processes = set(
            Participation.objects.published()
            .filter(state__iso3=iso3)
            .values_list("process", flat=True)
        )
        title = drawn.states[f"/states/{iso3.lower()}/"]["title"]
        assert int(re.search(r"(\d+) process", title).group(1)) == len(processes)
    assert len(processes) > 0

    # Filtered by a process and a role: counted in that process and role only.
    drawn = read_map(client.get("/states/?process=budapest-process&role=member"))
    assert drawn.states
    assert all(s["title"].endswith(": 1 process") for s in drawn.states.values())


def test_the_map_changes_with_the_data(client, catalogue):
    drawn = read_map(client.get("/processes/bali-process/"))
    assert "/states/gha/" not in drawn.states
    make_participation(
        process=Process.objects.get(slug="bali-process"),
        state=MemberState.objects.get(iso3="GHA"),
        role="observer",
    )
    drawn = read_map(client.get("/processes/bali-process/"))
    assert "Observer" in drawn.states["/states/gha/"]["title"]


def test_state_page_highlights_the_state_within_its_region(client, catalogue):
    drawn = read_map(client.get("/states/gha/"))
    assert "map-focus" in drawn.states["/states/gha/"]["classes"]
    assert "map-region" in drawn.states["/states/nga/"]["classes"]
    assert "/states/fra/" not in drawn.states


def test_matrix_map_follows_the_grid_and_not_organizations(client, catalogue):
    response = client.get("/matrix/?category=rcp")
    drawn = read_map(response)
    assert drawn.states and all("process" in s["title"] for s in drawn.states.values())
    assert 'class="world-map"' not in client.get("/matrix/?rows=organizations").content.decode()


@pytest.mark.parametrize(
    "url", ["/processes/bali-process/", "/states/", "/states/gha/", "/matrix/"]
)
def test_maps_keep_the_csp_and_stay_light(client, catalogue, url):
    html = client.get(url).content.decode()
    figure = html[html.index('<figure class="world-map"') : html.index("</figure>")]
    assert " style=" not in figure and "<style" not in figure and "<script" not in figure
    assert "http" not in figure  # nothing loaded from elsewhere
    assert len(gzip.compress(figure.encode())) < 150_000


def test_count_bins_cover_every_count_once():
    for largest in (1, 3, 5, 6, 17, 250, 4000):
        bins = count_bins(largest)
        covered = [n for low, high in bins for n in range(low, high + 1)]
        assert covered == list(range(1, largest + 1)) and len(bins) <= 5


def test_build_map_joins_iso_numeric_codes_and_cuts_at_the_antimeridian():
    # A square straddling 180°, and one in Ghana's place, in world-atlas's encoding.
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [-180, -90]},
        "arcs": [
            [[350, 80], [-340, 0], [0, 10], [340, 0], [0, -10]],
            [[178, 95], [2, 0], [0, 5], [-2, 0], [0, -5]],
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "id": "242", "properties": {"name": "Fiji"}},
                    {"type": "Polygon", "arcs": [[1]], "id": "288", "properties": {"name": "G"}},
                ],
            }
        },
    }
    content = build(topology, {"242": "FJI", "288": "GHA"})
    assert set(content["shapes"]) == {"FJI", "GHA"}
    # Two pieces, one at each edge of the map, none across it.
    assert content["shapes"]["FJI"]["d"].count("M") == 2
    pieces = cut_at_antimeridian([(170, -10), (-170, -10), (-170, 0), (170, 0)])
    assert len(pieces) == 2
    assert all(-180 <= lon <= 180 for piece in pieces for lon, _ in piece)


@pytest.mark.parametrize(
    ("prefix", "germany"), [("/fr", "Allemagne"), ("/es", "Alemania"), ("", "Germany")]
)
def test_maps_name_each_state_in_the_page_language(client, catalogue, prefix, germany):
    # The states list (whose map has a table), a process and a state's region.
    for url in ("/states/?region=Europe", "/processes/budapest-process/", "/states/fra/"):
        response = client.get(f"{prefix}{url}")
        drawn = read_map(response)
        title = drawn.states[f"{prefix}/states/deu/"]["title"]
        assert title.startswith(germany), (url, title)
    table = client.get(f"{prefix}/states/?region=Europe").content.decode()
    assert re.search(rf'<a href="{prefix}/states/deu/">{germany}</a>', table)
