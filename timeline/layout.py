"""Where each event sits on the timeline picture: by decade, year and date precision.

The picture claims no more than the source knows. A year-only event is one open marker in
the middle of its year, a month-only event one in the middle of its month (it happened "in
2006", not on 1 January, nor all year long); a dated event is a filled point, or a bar
for the days it lasted. Events that would overlap are stacked in lanes so that none hides
another.
"""

import datetime
from dataclasses import dataclass, field

from timeline.models import DatePrecision

YEAR_WIDTH = 100  # SVG units per year; a decade strip is 1000 units wide
LANE_HEIGHT = 16
AXIS_HEIGHT = 24
POINT_WIDTH = 4
MARKER_SPAN = 14  # SVG units a drawn point covers (its circle), for stacking in lanes


def _fraction_of_year(day):
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return (day - start).days / length


def _period(event):
    """(begin, finish) in years since 0 AD of the period the start date's precision names:
    its year, its month or its day."""
    start, precision = event.start_date, event.start_precision
    if precision == DatePrecision.YEAR:
        return start.year, start.year + 1
    if precision == DatePrecision.MONTH:
        first = datetime.date(start.year, start.month, 1)
        next_month = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return (
            first.year + _fraction_of_year(first),
            next_month.year + _fraction_of_year(next_month),
        )
    begin = start.year + _fraction_of_year(start)
    return begin, begin


def _span(event):
    """The event's extent to draw, in years since 0 AD: a known run of days is a span; a
    date known only to the month or year is the middle of that period, a point."""
    begin, finish = _period(event)
    if event.start_precision != DatePrecision.DAY:
        middle = (begin + finish) / 2
        return middle, middle
    if event.end_date and event.end_date > event.start_date:
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
        return self.width <= POINT_WIDTH

    @property
    def is_approximate(self):
        """Known only to the year or month: drawn open, in the middle of that period."""
        return self.event.start_precision != DatePrecision.DAY

    @property
    def extent(self):
        """The SVG units the drawn marker covers."""
        return max(self.width, MARKER_SPAN) if self.is_point else self.width


@dataclass
class Decade:
    start: int
    markers: list = field(default_factory=list)
    years: dict = field(default_factory=dict)

    @property
    def label(self):
        from django.utils.translation import gettext

        return gettext("%(decade)ss") % {"decade": self.start}

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
        width = max((min(finish, decade.start + 10) - begin) * YEAR_WIDTH, POINT_WIDTH)
        # A point is centred on its moment: the middle of a year-only event's year.
        x = (begin - decade.start) * YEAR_WIDTH - (POINT_WIDTH / 2 if finish == begin else 0)
        x = min(max(x, 0), 10 * YEAR_WIDTH - width)
        decade.markers.append(Marker(event, round(x, 1), round(width, 1)))
        decade.years.setdefault(event.start_date.year, []).append(event)
    for decade in decades.values():
        lane_ends = []
        for marker in sorted(decade.markers, key=lambda m: (m.x, -m.width)):
            left = marker.x + marker.width / 2 - marker.extent / 2 if marker.is_point else marker.x
            for lane, end in enumerate(lane_ends):
                if left >= end + 1:
                    marker.lane, lane_ends[lane] = lane, left + marker.extent
                    break
            else:
                marker.lane = len(lane_ends)
                lane_ends.append(left + marker.extent)
    return [decades[key] for key in sorted(decades)]
