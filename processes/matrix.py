"""The participation matrix: participants (rows) by processes (columns), roles in the cells.

Built in one pass over the filtered participations, so a page costs one query however
many states and processes it shows.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.utils.translation import gettext

from processes.models import Role

# Per role, the code the CSV writes; the grid shows the same code inside a shape coloured
# by role (templates/processes/matrix.html, .mark in site.css), so a cell reads the same
# without colour, and the grid and the CSV agree letter for letter.
ROLE_CODES = OrderedDict(
    [
        (Role.MEMBER, "M"),
        (Role.CHAIR, "C"),
        (Role.CO_CHAIR, "CC"),
        (Role.VICE_CHAIR, "VC"),
        (Role.PRESIDENCY_PRO_TEMPORE, "PPT"),
        (Role.SECRETARIAT, "S"),
        (Role.TECHNICAL_SUPPORT, "TS"),
        (Role.OBSERVER, "O"),
        (Role.PARTNER, "P"),
        (Role.OBSERVER_OR_PARTNER, "OP"),
        (Role.INTERESTED_STATE, "IS"),
        (Role.PARTICIPANT, "PA"),
    ]
)
ROLE_ORDER = {role: index for index, role in enumerate(ROLE_CODES)}
# (role value, code, label) in the order of the grid, for the legend.
LEGEND = [(role.value, code, role.label) for role, code in ROLE_CODES.items()]


@dataclass
class Cell:
    participations: list = field(default_factory=list)

    @property
    def roles(self):
        return sorted({p.role for p in self.participations}, key=ROLE_ORDER.get)

    @property
    def marks(self):
        """(role value, code) per role, for the grid's marks."""
        return [(role, ROLE_CODES[role]) for role in self.roles]

    @property
    def codes(self):
        return ";".join(ROLE_CODES[role] for role in self.roles)

    @property
    def title(self):
        labels = ", ".join(str(Role(role).label) for role in self.roles)
        dates = sorted({p.as_of.isoformat() for p in self.participations if p.as_of})
        if not dates:
            return labels
        return gettext("%(roles)s (as of %(dates)s)") % {"roles": labels, "dates": ", ".join(dates)}


@dataclass
class Matrix:
    rows: list
    columns: list
    cells: dict
    all_columns: int = 0  # set when only the first columns are shown

    def cell(self, row, column):
        return self.cells.get((row.pk, column.pk))

    def grid(self):
        """Rows as (participant, [cell or None per column], row total)."""
        for row in self.rows:
            cells = [self.cells.get((row.pk, column.pk)) for column in self.columns]
            yield row, cells, sum(1 for c in cells if c)

    def first_columns(self, limit):
        """The matrix cut to its first ``limit`` columns (and the rows with a cell in
        them), for a page a browser can lay out; the CSV keeps every column."""
        if len(self.columns) <= limit:
            return self
        columns = self.columns[:limit]
        shown = {column.pk for column in columns}
        rows = [r for r in self.rows if any((r.pk, pk) in self.cells for pk in shown)]
        return Matrix(rows, columns, self.cells, all_columns=len(self.columns))

    def picker_key(self, participant):
        """The picker's value for a row: its ISO3 code or slug, as in its address."""
        return f"row-{getattr(participant, 'iso3', None) or participant.slug}"

    def picked(self, key):
        """What the phone view shows for a picker value: ("process", process, [(role,
        code, label, [participants])]) or ("row", participant, [(process, cell)]). The
        first process when the value names nothing shown; None for an empty matrix."""
        for row in self.rows:
            if key and key == self.picker_key(row):
                cells = [(c, self.cells.get((row.pk, c.pk))) for c in self.columns]
                return "row", row, [(c, cell) for c, cell in cells if cell]
        columns = [c for c in self.columns if key == f"process-{c.slug}"] or self.columns[:1]
        if not columns:
            return None
        column = columns[0]
        groups = OrderedDict((role, []) for role in ROLE_CODES)
        for row in self.rows:
            cell = self.cells.get((row.pk, column.pk))
            for role in cell.roles if cell else ():
                groups[role].append(row)
        roles = [(r, ROLE_CODES[r], Role(r).label, rows) for r, rows in groups.items() if rows]
        return "process", column, roles

    def column_totals(self):
        return [
            sum(1 for row in self.rows if (row.pk, column.pk) in self.cells)
            for column in self.columns
        ]


def holding_on(participations, day):
    """Keep, per participant, process and role, the rows that held on ``day``: started by
    then, not ended before it, and recorded as of that day or the latest earlier date."""
    latest = {}
    for p in participations:
        if p.start_date and p.start_date > day:
            continue
        if p.end_date and p.end_date < day:
            continue
        if p.as_of and p.as_of > day and not p.start_date:
            continue
        key = (p.process_id, p.state_id, p.organization_id, p.role)
        if key not in latest or (p.as_of or day) > (latest[key].as_of or day):
            latest[key] = p
    return list(latest.values())


def build_matrix(participations, *, by="states", sort_rows="name", sort_columns="name"):
    """Arrange participations into a grid of states (or organizations) by processes."""
    attribute = "state" if by == "states" else "organization"
    rows, columns, cells = {}, {}, {}
    for p in participations:
        participant = getattr(p, attribute)
        if participant is None:
            continue
        rows[participant.pk] = participant
        columns[p.process_id] = p.process
        cells.setdefault((participant.pk, p.process_id), Cell()).participations.append(p)

    def row_count(row):
        return sum(1 for column in columns if (row.pk, column) in cells)

    def column_count(column):
        return sum(1 for row in rows if (row, column.pk) in cells)

    row_list = sorted(rows.values(), key=lambda r: str(r.name).casefold())
    if sort_rows == "count":
        row_list.sort(key=row_count, reverse=True)
    column_list = sorted(columns.values(), key=lambda c: (c.short_name or c.name).casefold())
    if sort_columns == "count":
        column_list.sort(key=column_count, reverse=True)
    return Matrix(row_list, column_list, cells)


def _key(participation):
    return (
        ("state", participation.state_id)
        if participation.state_id
        else (
            "organization",
            participation.organization_id,
        )
    )


def overlap(participations, processes):
    """For two to four processes: the participants they all share and each one's own."""
    members = {process.pk: set() for process in processes}
    participants = {}
    for p in participations:
        members[p.process_id].add(_key(p))
        participants[_key(p)] = p.participant

    def named(keys):
        return sorted((participants[key] for key in keys), key=lambda x: str(x.name).casefold())

    shared = set.intersection(*members.values()) if members else set()
    own = []
    for process in processes:
        others = set().union(*(keys for pk, keys in members.items() if pk != process.pk))
        own.append(
            {
                "process": process,
                "count": len(members[process.pk]),
                "own": named(members[process.pk] - others),
            }
        )
    everyone = named(set().union(*members.values())) if members else []
    rows = [
        (participant, [_has(members[process.pk], participant) for process in processes])
        for participant in everyone
    ]
    return {"shared": named(shared), "own": own, "rows": rows}


def _has(keys, participant):
    kind = "state" if hasattr(participant, "iso3") else "organization"
    return (kind, participant.pk) in keys
