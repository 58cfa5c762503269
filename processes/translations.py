"""The interface catalogues (migration_governance/locale/<lang>/LC_MESSAGES/django.po), read
and compiled with polib so that a machine with only Python can build and check them.

``make messages`` runs Django's makemessages (which needs GNU gettext's xgettext) to add
new strings to the .po files, then ``compile_translations`` writes the .mo files with
polib. The .mo files are committed, so a fresh checkout serves all three languages without
gettext; tests/test_translations.py holds the catalogues complete and in step.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "migration_governance" / "locale"
DOMAIN = "django"


def languages():
    """The translated languages: every language but English."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def key(entry):
    """An entry's identity: context, message and plural message."""
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def is_translated(entry):
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def problems(language):
    """Untranslated and fuzzy messages of ``language``'s catalogue."""
    import polib

    found = []
    for entry in polib.pofile(str(po_path(language))):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not is_translated(entry):
            found.append(f"untranslated: {entry.msgid!r}")
    return found


def translations(catalogue):
    """{key: translation} of a polib .po or .mo catalogue's translated entries."""
    result = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not is_translated(entry):
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        result[key(entry)] = value
    return result


def compile_mo(language):
    """Write ``language``'s .mo beside its .po."""
    import polib

    path = po_path(language)
    polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


# --- the messages the code asks for --------------------------------------------------------

_TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\(((?:u'(?:[^'\\]|\\.)*'(?:, )?)+)")
_LITERAL = re.compile(r"u'(?:[^'\\]|\\.)*'")
_PY_FUNCTIONS = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy"}


def template_messages(path):
    """The (context, msgid, plural) keys a template's {% translate %} and
    {% blocktranslate %} tags ask for, as makemessages would extract them."""
    from django.utils.translation.template import templatize

    found = set()
    for function, args in _TEMPLATE_CALL.findall(templatize(Path(path).read_text())):
        strings = [ast.literal_eval(s) for s in _LITERAL.findall(args)]
        context = strings.pop(0) if function.startswith(("pgettext", "npgettext")) else None
        plural = strings[1] if function.startswith(("ngettext", "npgettext")) else None
        found.add((context, strings[0], plural))
    return found


def python_messages(path):
    """The keys a Python module's gettext calls with literal strings ask for."""
    found = set()
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in _PY_FUNCTIONS:
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if not args or not all(isinstance(a, str) for a in args):
            continue
        if node.func.id.startswith("pgettext"):
            found.add((args[0], args[1], None))
        elif node.func.id == "ngettext":
            found.add((None, args[0], args[1]))
        else:
            found.add((None, args[0], None))
    return found


def source_files():
    base = Path(settings.BASE_DIR)
    templates = sorted((base / "templates").rglob("*.html"))
    modules = [
        p
        for app in ("processes", "timeline", "migration_governance")
        for p in sorted((base / app).rglob("*.py"))
        if "migrations" not in p.parts
    ]
    return templates, modules


def wanted_messages():
    """Every message the templates and the apps' Python code ask for."""
    templates, modules = source_files()
    found = set()
    for path in templates:
        found |= template_messages(path)
    for path in modules:
        found |= python_messages(path)
    return found
