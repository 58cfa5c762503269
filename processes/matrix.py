"""The participation matrix: participants (rows) by processes (columns), roles in the cells.

Built in one pass over the filtered participations, so a page costs one query however
many states and processes it shows.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
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


class DrawnParticipation:
    """What the grid reads of a participation: its role and dates, and its process and
    participant shared with every other row that names them (read once each)."""

    __slots__ = ("as_of", "end_date", "organization", "process", "role", "start_date", "state")

    def __init__(self, process, state, organization, role, as_of, start_date, end_date):
        self.process, self.state, self.organization = process, state, organization
        self.role, self.as_of, self.start_date, self.end_date = role, as_of, start_date, end_date

    @property
    def process_id(self):
        return self.process.pk

    @property
    def state_id(self):
        return self.state.pk if self.state else None

    @property
    def organization_id(self):
        return self.organization.pk if self.organization else None


def drawn_participations(queryset, by="states"):
    """The participations of ``queryset`` whose participant is a state (``by="states"``)
    or an organization, as the grid draws them: a selection drawn on the page holds up to
    5,000 rows, and building three model objects per row was most of the page's time; here
    each process and participant is built once."""
    from processes.models import MemberState, Organization, Process

    drawn = 1 if by == "states" else 2  # where the participant's id is in a row
    rows = [
        row
        for row in queryset.values_list(
            "process_id", "state_id", "organization_id", "role", "as_of", "start_date", "end_date"
        )
        if row[drawn] is not None
    ]

    def records(queryset, index):
        wanted = {row[index] for row in rows if row[index] is not None}
        return queryset.in_bulk(wanted) if wanted else {}

    processes = records(Process.objects.only("slug", "name", "short_name"), 0)
    states = records(MemberState.objects.for_naming(), 1)
    organizations = records(Organization.objects.only("slug", "name", "acronym"), 2)
    return [
        DrawnParticipation(
            processes[process], states.get(state), organizations.get(organization), *rest
        )
        for process, state, organization, *rest in rows
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
    kind = participant.participant_type
    return (kind, participant.pk) in keys


class StreamedMatrix:
    """The matrix of a filtered participation queryset for the CSV, read one participant
    at a time, so that memory stays flat and the first row leaves early whatever the size
    (at scale 1000: 251 states × 30,000 processes, 600,000 participations).

    The header's columns and the rows' order come from the database (grouped queries);
    each row from one query over one participant's participations. With ``as_of`` the
    rows that held on that day are chosen per participant (holding_on), which the
    database cannot index, so a first pass over the participants finds the columns."""

    FIELDS = (
        "process_id",
        "state_id",
        "organization_id",
        "role",
        "as_of",
        "start_date",
        "end_date",
    )

    def __init__(
        self, participations, *, by="states", sort_rows="name", sort_columns="name", as_of=None
    ):
        from processes.models import MemberState, Organization

        self.by_states = by == "states"
        self.link = "state_id" if self.by_states else "organization_id"
        self.participant_model = MemberState if self.by_states else Organization
        self.participations = participations.order_by().filter(**{f"{self.link}__isnull": False})
        self.sort_rows, self.sort_columns, self.as_of = sort_rows, sort_columns, as_of

    def held(self, participant_id):
        """One participant's participations in the selection (those holding on as_of)."""
        rows = list(
            self.participations.filter(**{self.link: participant_id}).values_list(
                *self.FIELDS, named=True
            )
        )
        return holding_on(rows, self.as_of) if self.as_of else rows

    def _participants(self):
        """(pk, code, name) of every participant in the selection, unordered."""
        code = "iso3" if self.by_states else "slug"
        # EXISTS, one index probe per participant, rather than reading every participation.
        taking_part = Exists(self.participations.filter(**{self.link: OuterRef("pk")}))
        return list(
            self.participant_model.objects.filter(taking_part).values_list("pk", code, "name")
        )

    def _processes(self, ids):
        from processes.models import Process

        chosen = Process.objects.filter(ids if isinstance(ids, Exists) else Q(pk__in=ids))
        return list(chosen.values_list("pk", "slug", "short_name", "name"))

    def layout(self):
        """(rows, columns): participants and processes in the grid's order, as tuples."""
        participants = self._participants()
        if self.as_of:
            row_counts, column_counts = {}, {}
            for pk, _, _ in participants:
                processes = {p.process_id for p in self.held(pk)}
                row_counts[pk] = len(processes)
                for process in processes:
                    column_counts[process] = column_counts.get(process, 0) + 1
            participants = [p for p in participants if row_counts[p[0]]]
            processes = self._processes(list(column_counts))
        else:
            processes = self._processes(
                Exists(self.participations.filter(process_id=OuterRef("pk")))
            )
            row_counts = column_counts = None
            if self.sort_rows == "count":
                row_counts = dict(
                    self.participations.values_list(self.link).annotate(
                        n=Count("process_id", distinct=True)
                    )
                )
            if self.sort_columns == "count":
                column_counts = dict(
                    self.participations.values_list("process_id").annotate(
                        n=Count(self.link, distinct=True)
                    )
                )
        participants.sort(key=lambda p: str(p[2]).casefold())
        if self.sort_rows == "count":
            participants.sort(key=lambda p: row_counts.get(p[0], 0), reverse=True)
        processes.sort(key=lambda p: (p[2] or p[3]).casefold())
        if self.sort_columns == "count":
            processes.sort(key=lambda p: column_counts.get(p[0], 0), reverse=True)
        return participants, processes

    def key_header(self):
        return ["state_iso3", "state_name"] if self.by_states else ["organization_slug", "name"]

    def wide(self):
        """The header, then per participant its code, name and each column's role codes."""
        participants, processes = self.layout()
        yield [*self.key_header(), *(slug for _, slug, _, _ in processes)]
        position = {pk: index for index, (pk, _, _, _) in enumerate(processes)}
        for pk, code, name in participants:
            roles = {}
            for p in self.held(pk):
                roles.setdefault(p.process_id, set()).add(p.role)
            cells = [""] * len(processes)
            for process, held in roles.items():
                if process in position:
                    cells[position[process]] = _codes(held)
            yield [code, name, *cells]

    def long(self):
        """The header, then one row per participant, process and role, with the dates the
        sources give it as of."""
        participants, processes = self.layout()
        yield [*self.key_header(), "process_slug", "process_name", "role", "role_code", "as_of"]
        names = {pk: (slug, name) for pk, slug, _, name in processes}
        order = {pk: index for index, (pk, _, _, _) in enumerate(processes)}
        for pk, code, name in participants:
            roles = {}
            for p in self.held(pk):
                dates = roles.setdefault((p.process_id, p.role), set())
                if p.as_of:
                    dates.add(p.as_of.isoformat())
            for (process, role), dates in sorted(
                roles.items(), key=lambda item: (order.get(item[0][0], 0), ROLE_ORDER[item[0][1]])
            ):
                slug, process_name = names[process]
                yield [
                    code,
                    name,
                    slug,
                    process_name,
                    role,
                    ROLE_CODES[role],
                    ";".join(sorted(dates)),
                ]


def _codes(roles):
    return ";".join(ROLE_CODES[role] for role in sorted(roles, key=ROLE_ORDER.get))
