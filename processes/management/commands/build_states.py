"""Write fixtures/states.json from the maintained reference packages.

ISO 3166-1 codes and names come from pycountry (ISO 3166-3 for historic entries), UN M49
codes, sub-regions and UN membership from country_converter. Nothing here is typed by hand
except the two UN observer states and the list of historic entities our sources use.
"""

import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

# Non-member observer states of the UN General Assembly; country_converter records UN
# membership but not observer status.
OBSERVER_STATES = {"VAT", "PSE"}

# ISO 3166-3 entries (withdrawn codes) that our sources still name, e.g. "Serbia and
# Montenegro" in Annex A of seed 004. Other withdrawn codes stay out of the catalogue.
HISTORIC_STATES_USED = {"SCG"}

# Entities that ISO 3166-1 lacks but country_converter carries with a user-assigned code.
EXTRA_FROM_COUNTRY_CONVERTER = {"XKX"}


def _clean(value):
    """pandas gives NA/NaN for missing cells; the fixture wants empty strings."""
    import pandas

    if value is None or pandas.isna(value):
        return ""
    return str(value)


def build_state_records():
    """Return the MemberState fixture records, sorted by ISO alpha-3."""
    import country_converter
    import pycountry

    data = country_converter.CountryConverter().data
    by_iso3 = {row.ISO3: row for row in data.itertuples()}
    # UN sub-region -> UN region, taken as the continent most rows of that sub-region have
    # in country_converter ("America" is the UN's "Americas").
    continents = {}
    for row in data.itertuples():
        continents.setdefault(_clean(row.UNregion), Counter())[_clean(row.continent)] += 1
    region_of = {
        sub: {"America": "Americas", "Antarctica": ""}.get(
            c.most_common(1)[0][0], c.most_common(1)[0][0]
        )
        for sub, c in continents.items()
        if sub
    }

    records = []
    for country in pycountry.countries:
        row = by_iso3.get(country.alpha_3)
        sub_region = _clean(row.UNregion) if row is not None else ""
        if country.alpha_3 in OBSERVER_STATES:
            kind = "observer_state"
        elif row is not None and _clean(row.UNmember):
            kind = "state"
        else:
            kind = "territory"
        records.append(
            {
                "iso3": country.alpha_3,
                "iso2": country.alpha_2,
                "m49": f"{int(row.UNcode):03d}" if row is not None and _clean(row.UNcode) else "",
                "name": getattr(country, "common_name", None) or country.name,
                "iso_name": country.name,
                "official_name": getattr(country, "official_name", ""),
                "region": region_of.get(sub_region, ""),
                "sub_region": sub_region,
                "kind": kind,
                "valid_until": "",
            }
        )
    for iso3 in sorted(EXTRA_FROM_COUNTRY_CONVERTER):
        row = by_iso3[iso3]
        records.append(
            {
                "iso3": iso3,
                "iso2": _clean(row.ISO2),
                "m49": f"{int(row.UNcode):03d}" if _clean(row.UNcode) else "",
                "name": _clean(row.name_short),
                "iso_name": "",
                # Status contested: keep the neutral short name only.
                "official_name": "",
                "region": region_of.get(_clean(row.UNregion), ""),
                "sub_region": _clean(row.UNregion),
                "kind": "territory",
                "valid_until": "",
            }
        )
    for historic in pycountry.historic_countries:
        if historic.alpha_3 not in HISTORIC_STATES_USED:
            continue
        records.append(
            {
                "iso3": historic.alpha_3,
                # Withdrawn alpha-2 codes may be reassigned, so they are not kept as unique keys.
                "iso2": "",
                "m49": f"{int(historic.numeric):03d}" if getattr(historic, "numeric", "") else "",
                "name": historic.name,
                "iso_name": historic.name,
                "official_name": "",
                "region": "",
                "sub_region": "",
                "kind": "historical",
                "valid_until": getattr(historic, "withdrawal_date", ""),
            }
        )
    records.sort(key=lambda r: r["iso3"])
    return [{"model": "processes.memberstate", "fields": fields} for fields in records]


def build_region_records(state_records):
    """The UN regions the states fall in, as Region fixture records."""
    names = sorted({r["fields"]["region"] for r in state_records if r["fields"]["region"]})
    return [{"model": "processes.region", "fields": {"name": name}} for name in names]


def write_fixture(path, records):
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", "utf-8")


class Command(BaseCommand):
    help = "Regenerate fixtures/states.json and regions.json from the reference packages."

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=str(Path(settings.BASE_DIR) / "fixtures"))

    def handle(self, *args, directory, **options):
        states = build_state_records()
        write_fixture(Path(directory) / "states.json", states)
        regions = build_region_records(states)
        write_fixture(Path(directory) / "regions.json", regions)
        self.stdout.write(f"Wrote {len(states)} states and {len(regions)} regions to {directory}")
