"""World maps drawn on the server as inline SVG: who takes part in a process, in what role;
how many processes each state takes part in; a state within its region.

The shapes are Natural Earth's, written once into processes/mapdata/world.json by
``manage.py build_map`` (see processes/mapdata/README.md); this module only reads that
file. A map is rendered by templates/includes/world_map.html to one piece of HTML (the SVG,
its legend, the states shown as dots or not drawn), which is cached under a digest of
everything drawn on it, so a page whose data did not change reuses it and a changed
participation can never show a stale map.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from migration_governance.core.folding import fold
from processes.models import Role

GEOMETRY = Path(__file__).resolve().parent / "mapdata" / "world.json"
MAP_CACHE_SECONDS = 24 * 3600

# Roles drawn alike, in the order a state with several roles is coloured by (the first
# family it has a role in). Each has a colour of the Okabe-Ito palette, which people with
# any common colour-vision deficiency tell apart, and the looser ties a pattern as well,
# so that colour is never the only cue (the legend and each state's title name the roles).
ROLE_FAMILIES = (
    (
        "lead",
        _("Chair, co-chair, vice-chair or presidency"),
        {Role.CHAIR, Role.CO_CHAIR, Role.VICE_CHAIR, Role.PRESIDENCY_PRO_TEMPORE},
        "",
    ),
    ("member", _("Member or participant"), {Role.MEMBER, Role.PARTICIPANT}, ""),
    (
        "support",
        _("Secretariat or technical support"),
        {Role.SECRETARIAT, Role.TECHNICAL_SUPPORT},
        "map-dots",
    ),
    (
        "loose",
        _("Observer, partner or interested state"),
        {Role.OBSERVER, Role.PARTNER, Role.OBSERVER_OR_PARTNER, Role.INTERESTED_STATE},
        "map-hatch",
    ),
)

# Label boxes for the dots' ISO codes, in user units (the map is 10,000 wide).
LABEL_WIDTH, LABEL_HEIGHT, DOT_RADIUS = 260, 110, 34


@lru_cache(maxsize=1)
def geometry():
    """The shapes file, read once per process."""
    text = GEOMETRY.read_text(encoding="utf-8")
    # Part of every map's cache key, so that new shapes are never drawn from old maps.
    return {**json.loads(text), "digest": hashlib.sha256(text.encode()).hexdigest()[:16]}


@dataclass
class Shown:
    """One state drawn as a link: its page, title, class, fill and shape."""

    iso3: str
    name: str
    url: str
    title: str
    css: str
    fill: str = ""  # a pattern's url(#…), where the class's colour is not enough
    # False: drawn plainly, no dot and not listed if it has no shape (a listed state that
    # takes part in none of the processes counted).
    stands_out: bool = True


def digest(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_map(kind, inputs, make):
    """The map ``make()`` renders from ``inputs`` (everything it shows: codes, names,
    roles or counts), cached under their digest with the shapes file's and the language."""
    parts = (geometry()["digest"], kind, get_language(), get_script_prefix(), inputs)
    key = "map:" + digest(*parts)
    html = cache.get(key)
    if html is None:
        html = make()
        cache.set(key, html, MAP_CACHE_SECONDS)
    return html


def name_order(name, iso3):
    """The order a reader looks a state up in: by its name in the page's language, accents
    and case aside ("Égypte" between "Danemark" and "Espagne", not after "Zimbabwe")."""
    return fold(name), iso3


def state_url(iso3):
    """A state's page, as MemberState.get_absolute_url gives it, without a reverse() per
    state."""
    return _state_url_pattern(get_language(), get_script_prefix()).replace("xxx", iso3.lower())


@lru_cache(maxsize=32)
def _state_url_pattern(language, script_prefix):
    """Per language and prefix, in case URLs come to carry a language prefix."""
    return reverse("processes:state-detail", args=["xxx"])


def draw(kind, shown, *, title, legend, note="", table=None):
    """The map's HTML (see the module docstring): ``shown`` are the states drawn as links,
    ``legend`` (class, label, fill) rows, ``table`` (name, url, count) rows giving the
    figures again, ``note`` a sentence under the map."""
    world = geometry()
    shapes = world["shapes"]
    linked = {state.iso3 for state in shown}
    states, dots, missing = [], [], []
    for state in shown:
        shape = shapes.get(state.iso3)
        if shape is None:
            if state.stands_out:
                missing.append(state)
            continue
        dot = shape.get("dot") if state.stands_out else None
        states.append({"state": state, "d": shape["d"], "dot": dot})
        if dot:
            dots.append((state, dot))
    land = "".join(s["d"] for code, s in shapes.items() if code not in linked)
    land += "".join(s["d"] for s in world["unlinked"])
    return render_to_string(
        "includes/world_map.html",
        {
            "kind": kind,
            "map_id": f"map-{kind}",
            "width": world["width"],
            "height": world["height"],
            "title": title,
            "land": land,
            "states": states,
            "labels": place_labels(dots, world["width"], world["height"]),
            "dotted": [state for state, _dot in dots],
            "missing": missing,
            "legend": legend,
            "note": note,
            "table": table,
            "dot_radius": DOT_RADIUS,
        },
    )


def place_labels(dots, width, height):
    """ISO codes beside the dots, each where it overlaps no label placed before it (right,
    left, above, below); a code that fits nowhere is left out (the list under the map
    names every dot)."""
    placed, labels = [], []
    for state, (x, y) in sorted(dots, key=lambda item: (item[1][1], item[1][0])):
        offset = DOT_RADIUS + 20
        for lx, ly, anchor in (
            (x + offset, y, "start"),
            (x - offset, y, "end"),
            (x, y - offset - LABEL_HEIGHT / 2, "middle"),
            (x, y + offset + LABEL_HEIGHT / 2, "middle"),
        ):
            left = {"start": lx, "end": lx - LABEL_WIDTH, "middle": lx - LABEL_WIDTH / 2}[anchor]
            box = (left, ly - LABEL_HEIGHT / 2, left + LABEL_WIDTH, ly + LABEL_HEIGHT / 2)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(overlaps(box, other) for other in placed):
                placed.append(box)
                label = {"x": round(lx), "y": round(ly), "anchor": anchor, "text": state.iso3}
                labels.append(label)
                break
    return labels


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def role_family(roles):
    """The family a state with these roles is drawn in: the first in ROLE_FAMILIES."""
    for family in ROLE_FAMILIES:
        if family[2] & set(roles):
            return family
    return ROLE_FAMILIES[1]


def fill_of(pattern):
    return f"url(#{pattern})" if pattern else ""


def process_map(process, participations):
    """The process's participating states coloured by role; its role lists, right under
    the map on the page, are the map's data table."""
    roles = {}
    for participation in participations:
        if participation.state_id is not None:
            state = participation.state
            roles.setdefault((state.local_name, state.iso3), set()).add(participation.role)
    if not roles:
        return ""
    inputs = (
        process.short_name or process.name,
        tuple(
            (key, tuple(sorted(value)))
            for key, value in sorted(roles.items(), key=lambda item: name_order(*item[0]))
        ),
    )
    return cached_map("process", inputs, lambda: draw_process_map(*inputs))


def draw_process_map(process_name, roles):
    shown, families = [], set()
    for (name, iso3), state_roles in roles:
        family = role_family(state_roles)
        families.add(family[0])
        labels = ", ".join(str(Role(r).label) for r in sorted(state_roles, key=Role.rank))
        shown.append(
            Shown(
                iso3,
                name,
                state_url(iso3),
                f"{name}: {labels}",
                f"map-{family[0]}",
                fill_of(family[3]),
            )
        )
    legend = tuple(
        (f"map-{key}", str(label), fill_of(pattern))
        for key, label, _roles, pattern in ROLE_FAMILIES
        if key in families
    )
    title = gettext("Map: the states taking part in %(process)s, by role") % {
        "process": process_name
    }
    return draw("process", tuple(shown), title=title, legend=legend)


def count_bins(largest):
    """Up to five (low, high) ranges of counts from 1 to ``largest``, growing
    geometrically, so that a few very busy states do not wash out the rest."""
    if largest <= 5:
        return [(n, n) for n in range(1, largest + 1)]
    edges = sorted({round(largest ** (i / 5)) for i in range(6)} | {1})
    bins, low = [], 1
    for edge in edges[1:]:
        if edge >= low:
            bins.append((low, edge))
            low = edge + 1
    return bins


def count_map(kind, counts, *, title, with_table=True):
    """States coloured by how many processes each takes part in: ``counts`` are
    (state, number) pairs (a state with 0 is drawn as listed but in none)."""
    named = sorted(((s.local_name, s.iso3, n) for s, n in counts), key=lambda t: name_order(*t[:2]))
    inputs = (title, with_table, tuple(named))
    return cached_map(kind, inputs, lambda: draw_count_map(kind, *inputs))


def draw_count_map(kind, title, with_table, counts):
    largest = max((n for _name, _iso3, n in counts), default=0)
    bins = count_bins(largest)

    def bin_of(n):
        if not n:
            return 0
        return next(i for i, (low, high) in enumerate(bins, start=1) if low <= n <= high)

    shown = tuple(
        Shown(
            iso3,
            name,
            state_url(iso3),
            ngettext("%(name)s: %(count)d process", "%(name)s: %(count)d processes", n)
            % {"name": name, "count": n},
            f"map-bin-{bin_of(n)}",
            stands_out=bool(n),
        )
        for name, iso3, n in counts
    )
    legend = tuple(
        (f"map-bin-{index}", str(low) if low == high else f"{low}–{high}", "")
        for index, (low, high) in enumerate(bins, start=1)
    )
    if any(not n for _name, _iso3, n in counts):
        legend += (("map-bin-0", gettext("Listed, in none"), ""),)
    table = None
    if with_table:
        table = tuple((name, state_url(iso3), n) for name, iso3, n in counts)
    return draw(kind, shown, title=title, legend=legend, table=table)


def state_map(state, region_states):
    """The state highlighted, the other states of its UN region (``region_states``) shaded."""
    others = tuple(
        sorted(
            ((o.local_name, o.iso3) for o in region_states if o.iso3 != state.iso3),
            key=lambda pair: name_order(*pair),
        )
    )
    inputs = (state.local_name, state.iso3, state.region, others)
    return cached_map("state", inputs, lambda: draw_state_map(*inputs))


def draw_state_map(name, iso3, region, others):
    shown = [
        Shown(iso3, name, state_url(iso3), name, "map-focus"),
        *(
            Shown(other_iso3, other, state_url(other_iso3), f"{other} ({region})", "map-region")
            for other, other_iso3 in others
        ),
    ]
    legend = (("map-focus", name, ""),)
    if region and others:
        legend += (("map-region", gettext("Other states of %(region)s") % {"region": region}, ""),)
    title = gettext("Map: %(name)s and its region") % {"name": name}
    return draw("state", tuple(shown), title=title, legend=legend)


def matrix_map(matrix):
    """The matrix's states coloured by their row totals (the grid's Total column, right
    under the map, is its data table); nothing for a matrix of organizations."""
    grid = [(row, total) for row, _cells, total in matrix.grid() if hasattr(row, "iso3")]
    if not grid:
        return ""
    return count_map(
        "matrix",
        grid,
        title=gettext("Map: how many of the processes shown each state takes part in"),
        with_table=False,
    )
