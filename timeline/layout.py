"""Where each event sits on the timeline picture: by decade, year and date precision.

A year-only event spans its whole year (it happened "in 2006", not on 1 January), a
month-only event spans its month, a dated event is a point (or a span for several days).
Events that would overlap are stacked in lanes so that none hides another.
"""

import datetime
from dataclasses import dataclass, field

from timeline.models import DatePrecision

YEAR_WIDTH = 100  # SVG units per year; a decade strip is 1000 units wide
LANE_HEIGHT = 16
AXIS_HEIGHT = 24
POINT_WIDTH = 4


def _fraction_of_year(day):
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return (day - start).days / length


def _span(event):
    """The event's extent in years since 0 AD, as the source's precision allows."""
    start, precision = event.start_date, event.start_precision
    begin = start.year + _fraction_of_year(start)
    if precision == DatePrecision.YEAR:
        finish = start.year + 1
    elif precision == DatePrecision.MONTH:
        next_month = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        finish = next_month.year + _fraction_of_year(next_month)
    else:
        finish = begin
    if event.end_date and event.end_date > start:
        end = event.end_date
        finish = max(finish, end.year + _fraction_of_year(end) + 1 / 365)
    return begin, finish


@dataclass
class Marker:
    event: object
    x: float
    width: float
    lane: int = 0

    @property
    def y(self):
        return AXIS_HEIGHT + self.lane * LANE_HEIGHT + 2

    @property
    def centre(self):
        return (round(self.x + self.width / 2, 1), self.y + 6)

    @property
    def is_point(self):
        return self.event.start_precision == DatePrecision.DAY and self.width <= POINT_WIDTH


@dataclass
class Decade:
    start: int
    markers: list = field(default_factory=list)
    years: dict = field(default_factory=dict)

    @property
    def label(self):
        return f"{self.start}s"

    @property
    def lanes(self):
        return max((m.lane for m in self.markers), default=0) + 1

    @property
    def height(self):
        return AXIS_HEIGHT + self.lanes * LANE_HEIGHT + 4

    @property
    def ticks(self):
        return [(self.start + i, i * YEAR_WIDTH) for i in range(10)]

    @property
    def year_groups(self):
        return sorted(self.years.items())


def lay_out(events):
    """Group dated events into decades and place each as an SVG marker."""
    decades = {}
    for event in events:
        if event.start_date is None:
            continue
        start = event.start_date.year // 10 * 10
        if start not in decades:
            decades[start] = Decade(start)
        decade = decades[start]
        begin, finish = _span(event)
        x = (begin - decade.start) * YEAR_WIDTH
        width = max((min(finish, decade.start + 10) - begin) * YEAR_WIDTH, POINT_WIDTH)
        decade.markers.append(Marker(event, round(x, 1), round(width, 1)))
        decade.years.setdefault(event.start_date.year, []).append(event)
    for decade in decades.values():
        lane_ends = []
        for marker in sorted(decade.markers, key=lambda m: (m.x, -m.width)):
            for lane, end in enumerate(lane_ends):
                if marker.x >= end + 1:
                    marker.lane, lane_ends[lane] = lane, marker.x + marker.width
                    break
            else:
                marker.lane = len(lane_ends)
                lane_ends.append(marker.x + marker.width)
    return [decades[key] for key in sorted(decades)]
