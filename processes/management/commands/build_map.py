"""Write processes/mapdata/world.json, the maps' geometry, from Natural Earth's shapes.

Run once, when the geometry should change (a new world-atlas release), after
``(cd processes/mapdata && npm ci --ignore-scripts)``; the site itself only reads the
file this writes, so neither Node nor the npm package is needed to run it.

The input is world-atlas's TopoJSON (Natural Earth's Admin 0 countries, 1:50m). Each
country's arcs are decoded, projected on the Equal Earth projection, simplified arc by arc
(so that two neighbours keep one shared border) and written as one compact SVG path per
state, keyed by ISO 3166-1 alpha-3: world-atlas names each shape by its ISO 3166-1
numeric code, which pycountry turns into alpha-3, the code MemberState joins on. A state
whose shape is too small to see at the map's scale also gets a dot, drawn at the centre of
its largest part. Antarctica is left out (no process has it as a participant), which lets
the map end at 60° south.
"""

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

MAPDATA = Path(__file__).resolve().parents[2] / "mapdata"
SOURCE = MAPDATA / "node_modules" / "world-atlas" / "countries-50m.json"
# The 1:10m file, for the few states the 1:50m one lacks (Tuvalu, Gibraltar…).
FILL_IN = SOURCE.with_name("countries-10m.json")
OUTPUT = MAPDATA / "world.json"

# The map's width in user units; coordinates are written as integers of this grid, so a
# unit is a tenth of a pixel on a 1,000 px wide map.
WIDTH = 10_000
# Douglas-Peucker tolerance, in user units: half a pixel at 1,000 px wide.
TOLERANCE = 5
# A state whose shape fits in a box smaller than this (user units, either side) is also
# drawn as a dot: 7 px on a 1,000 px wide map, 2.6 px on a phone.
DOT_BELOW = 70
# So is a state whose land adds up to less than this (square user units, 20 square pixels
# on a 1,000 px wide map), however far its islands spread (Fiji, Vanuatu, Kiribati).
DOT_AREA = 2_000
# Rings smaller than this (square user units) are dropped, unless a ring is a state's
# largest: a speck of less than a square pixel adds bytes and nothing to see.
MIN_RING_AREA = 100
SOUTH = -60.0  # degrees: the map's lower edge, Antarctica left out
ANTARCTICA = "010"
# Shapes world-atlas gives no ISO 3166-1 numeric code, joined by their name to the
# user-assigned code the catalogue has them under (from country_converter, as in
# fixtures/states.json).
NO_NUMERIC_CODE = {"Kosovo": "XKX"}

# Equal Earth (Šavrič, Patterson and Jenny, 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon, lat):
    """Equal Earth x, y (y growing northwards) of a point in degrees."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology):
    """The topology's arcs as lists of (lon, lat), quantization and delta coding undone."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points, tolerance):
    """Douglas-Peucker: the points that keep the line within ``tolerance``, ends kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * (px - x1) - dx * (py - y1)) / length
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def edges(ring):
    """Each (point, next point) of a closed ring, the last back to the first."""
    return zip(ring, ring[1:] + ring[:1], strict=True)


def simplify_ring(ring):
    """Douglas-Peucker on a closed ring (its first point kept)."""
    return simplify(ring + ring[:1], TOLERANCE)[:-1] if len(ring) > 2 else ring


def crosses_antimeridian(ring):
    return any(abs(b[0] - a[0]) > 180 for a, b in edges(ring))


def cut_at_antimeridian(ring):
    """The parts of a ring crossing ±180° that lie on each side, as rings within
    -180..180, their cut edges following the meridian degree by degree."""
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        unwrapped.append((lon, lat))
    pieces = []
    for shift in (-360, 0, 360):
        piece = [(lon + shift, lat) for lon, lat in unwrapped]
        piece = clip(piece, -180, keep_above=True)
        piece = clip(piece, 180, keep_above=False)
        if len(piece) >= 3:
            pieces.append(densify_edge(piece))
    return pieces


def clip(ring, meridian, *, keep_above):
    """Sutherland-Hodgman: the ring cut to the side of ``meridian`` it keeps."""

    def inside(point):
        return point[0] >= meridian if keep_above else point[0] <= meridian

    out = []
    for a, b in edges(ring):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (meridian - a[0]) / (b[0] - a[0])
            out.append((meridian, a[1] + t * (b[1] - a[1])))
    return out


def densify_edge(ring):
    """Points every degree along stretches of the ring on ±180°, which the projection
    curves."""
    out = []
    for a, b in edges(ring):
        out.append(a)
        if abs(a[0]) == 180 and a[0] == b[0]:
            steps = int(abs(b[1] - a[1]))
            out += [(a[0], a[1] + (b[1] - a[1]) * i / (steps + 1)) for i in range(1, steps + 1)]
    return out


def ring_area(ring):
    """The ring's area (shoelace), unsigned."""
    return abs(signed_area(ring))


def signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in edges(ring)) / 2


def centroid(ring):
    """The ring's centroid, or its first point if it has no area."""
    area = signed_area(ring)
    if not area:
        return ring[0]
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in edges(ring):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)


def path_data(rings):
    """SVG path data: an absolute move per ring, then relative integer steps."""
    parts = []
    for ring in rings:
        x0, y0 = ring[0]
        steps = []
        px, py = x0, y0
        for x, y in ring[1:]:
            if (x, y) != (px, py):
                steps.append(f"{x - px} {y - py}")
            px, py = x, y
        text = f"M{x0} {y0}" + ("l" + " ".join(steps) if steps else "") + "z"
        # "1 -2" needs no space before a minus sign.
        parts.append(text.replace(" -", "-"))
    return "".join(parts)


def shape(name, rings):
    """A state's record: its path, and a dot where the shape is too small to see."""
    rings = [r for r in rings if r]
    largest = max(rings, key=ring_area)
    kept = [r for r in rings if r is largest or (len(r) >= 3 and ring_area(r) >= MIN_RING_AREA)]
    xs = [x for r in kept for x, _ in r]
    ys = [y for r in kept for _, y in r]
    record = {"name": name, "d": path_data(kept)}
    area = sum(ring_area(r) for r in kept if len(r) >= 3)
    if (max(xs) - min(xs) < DOT_BELOW and max(ys) - min(ys) < DOT_BELOW) or area < DOT_AREA:
        cx, cy = centroid(largest) if len(largest) >= 3 else largest[0]
        record["dot"] = [round(cx), round(cy)]
    return record


def rings_by_code(topology, to_grid, numeric_to_alpha3):
    """({alpha-3: (name, rings)}, [(name, rings)] of shapes without a code) of a topology,
    projected by ``to_grid`` and simplified arc by arc."""
    spherical = decode_arcs(topology)
    projected = [simplify([to_grid(lon, lat) for lon, lat in arc], TOLERANCE) for arc in spherical]

    def joined(arcs, indexes):
        points = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points += arc[1:] if points else arc
        return points[:-1] if len(points) > 1 and points[0] == points[-1] else points

    def ring_points(indexes):
        """The ring, projected; a ring that crosses the antimeridian (Russia's Chukotka,
        Fiji) as the pieces either side of it (world-atlas leaves that cut to the map
        maker)."""
        ring = joined(spherical, indexes)
        if not crosses_antimeridian(ring):
            return [joined(projected, indexes)]
        return [
            simplify_ring([to_grid(lon, lat) for lon, lat in piece])
            for piece in cut_at_antimeridian(ring)
        ]

    # Rings per ISO code: world-atlas gives Australia two shapes (the mainland, and Ashmore
    # and Cartier Islands, an external territory ISO 3166-1 counts as part of it).
    by_code, unlinked = {}, []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == ANTARCTICA:
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [piece for polygon in polygons for ring in polygon for piece in ring_points(ring)]
        name = geometry["properties"]["name"]
        alpha3 = numeric_to_alpha3.get(geometry.get("id")) or NO_NUMERIC_CODE.get(name)
        if alpha3 is None:
            unlinked.append((name, rings))
        else:
            by_code.setdefault(alpha3, (name, []))[1].extend(rings)
    return by_code, unlinked


def build(topology, numeric_to_alpha3, fill_in=None):
    """The geometry file's content from a world-atlas topology, plus the states it lacks
    taken from ``fill_in`` (a larger-scale topology), which are small enough to be dots."""
    # The frame: west to east, SOUTH to the northernmost point of the main topology.
    right, _ = equal_earth(180, 0)
    top = max(
        equal_earth(lon, lat)[1] for arc in decode_arcs(topology) for lon, lat in arc if lat > SOUTH
    )
    _, bottom = equal_earth(0, SOUTH)
    scale = WIDTH / (2 * right)
    height = math.ceil((top - bottom) * scale)

    def to_grid(lon, lat):
        x, y = equal_earth(lon, max(lat, SOUTH))
        return round((x + right) * scale), round((top - y) * scale)

    by_code, unlinked = rings_by_code(topology, to_grid, numeric_to_alpha3)
    if fill_in is not None:
        more, _ = rings_by_code(fill_in, to_grid, numeric_to_alpha3)
        by_code.update({code: rings for code, rings in more.items() if code not in by_code})
    shapes = {code: shape(name, rings) for code, (name, rings) in sorted(by_code.items())}
    return {
        "width": WIDTH,
        "height": height,
        "shapes": shapes,
        # Shapes with no ISO 3166-1 code (Somaliland, N. Cyprus…): drawn as land, unlinked.
        "unlinked": [shape(name, rings) for name, rings in sorted(unlinked)],
    }


class Command(BaseCommand):
    help = "Write processes/mapdata/world.json from world-atlas's Natural Earth shapes."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(SOURCE), help="world-atlas countries file")
        parser.add_argument("--output", default=str(OUTPUT))

    def handle(self, *args, source, output, **options):
        import pycountry

        source = Path(source)
        if not source.exists():
            raise CommandError(
                f"{source} is missing: run `npm ci --ignore-scripts` in {MAPDATA} first."
            )
        package = json.loads((source.parent / "package.json").read_text())
        numeric_to_alpha3 = {c.numeric: c.alpha_3 for c in pycountry.countries}
        fill_in = source.with_name(FILL_IN.name)
        content = build(
            json.loads(source.read_text()),
            numeric_to_alpha3,
            json.loads(fill_in.read_text()) if fill_in.exists() else None,
        )
        content = {
            "source": (
                f"Natural Earth Admin 0 countries 1:50m (public domain), from the npm package "
                f"{package['name']} {package['version']} ({source.name}, and {fill_in.name} "
                f"for the states it lacks); Equal Earth projection, Antarctica left out, "
                f"simplified by manage.py build_map"
            ),
            **content,
        }
        Path(output).write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")))
        self.stdout.write(
            f"Wrote {output}: {len(content['shapes'])} states, "
            f"{sum('dot' in s for s in content['shapes'].values())} of them with a dot, "
            f"{len(content['unlinked'])} shapes without an ISO code."
        )
