"""What a stored web address may be: an absolute http(s) URL, nothing else.

A ``javascript:`` or ``data:`` address would be rendered as a link (only the CSP stops it);
``ftp:``, mail or relative addresses are no place a reader can follow. The rule is checked
on every URL field (admin forms and the fixture loader both run model validation) and, for
a process's list of websites, by the database too.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import BooleanField, Func

WEB_SCHEMES = ["http", "https"]
MAX_URL_LENGTH = 500

_web_url = URLValidator(
    schemes=WEB_SCHEMES, message="Enter an absolute http:// or https:// address."
)
# Characters a URI may not hold as they are (RFC 3986), which Django's URLValidator lets
# through in a path: a stored address must be a valid `format: uri` in the API's answers.
# The apostrophe is allowed by the RFC but refused too: percent-encoded (%27) it is
# harmless in every attribute, script and spreadsheet an address is written into.
_NOT_IN_A_URI = re.compile(r"""['"<>\\^`{|}]""")


def validate_web_url(value):
    """An absolute http(s) address, with only the characters a URI may hold."""
    _web_url(value)
    found = _NOT_IN_A_URI.search(value)
    if found:
        raise ValidationError(
            "A web address cannot hold %(char)s as it is: percent-encode it (as %(code)s).",
            # Not "invalid": a model field puts its own message in place of an error
            # whose code it knows (a JSON field's "Value must be valid JSON").
            code="not_uri_characters",
            params={"char": found.group(), "code": f"%{ord(found.group()):02X}"},
        )


def validate_website_list(value):
    """A JSON list of absolute http(s) URLs, each at most MAX_URL_LENGTH characters."""
    if not isinstance(value, list):
        raise ValidationError(
            'Enter a list of web addresses, such as ["https://example.org/"].',
            code="not_a_list",
        )
    for item in value:
        if not isinstance(item, str):
            raise ValidationError(
                "Each website must be a web address in quotes, not %(item)r.",
                code="not_a_url",
                params={"item": item},
            )
        if len(item) > MAX_URL_LENGTH:
            raise ValidationError(
                "A website may be at most %(max)d characters long.",
                code="too_long",
                params={"max": MAX_URL_LENGTH},
            )
        try:
            _web_url(item)
        except ValidationError:
            raise ValidationError(
                "“%(item)s” is not an absolute http:// or https:// address.",
                code="not_a_url",
                params={"item": item[:100]},
            ) from None
        validate_web_url(item)


class IsWebsiteList(Func):
    """True when a JSON column holds a list of http(s) address strings (PostgreSQL); a
    list at least on SQLite, whose CHECK constraints cannot look inside one."""

    arity = 1
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"(json_type({inner}) = 'array')", params

    def as_postgresql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        path = '$[*] ? (@.type() != "string" || !(@ like_regex "^https?://[^[:space:]]+$"))'
        sql = f"(jsonb_typeof({inner}) = 'array' AND NOT jsonb_path_exists({inner}, '{path}'))"
        return sql, params * 2


# A UN document symbol opens with the series of a UN organ or body and a slash ("A/RES/71/280",
# "E/2016/L.24", "A/HRC/RES/35/17", "UN/POP/MIG-15CM/2017/10"); the rest is letters, digits,
# dots, dashes and slashes. An IOM ("MC/INF/293"), WHO ("A69/21"), EU or national reference
# has another form and belongs in a document's reference number.
UN_SYMBOL_SERIES = (
    "A",
    "E",
    "S",
    "ST",
    "T",
    "UN",
    "UNEP",
    "TD",
    "DP",
    "CRC",
    "CCPR",
    "CERD",
    "CEDAW",
    "CMW",
    "CAT",
    "HRI",
)
UN_SYMBOL = re.compile(rf"^(?:{'|'.join(UN_SYMBOL_SERIES)})(?:/[A-Za-z0-9][A-Za-z0-9.\-()]*)+$")


def validate_un_symbol(value):
    """Only a string with a UN document symbol's form is a UN symbol."""
    if value and not UN_SYMBOL.match(value):
        raise ValidationError(
            "%(value)s does not have the form of a UN document symbol (a UN series such as "
            "A/, E/, S/ or ST/, then parts separated by slashes). Record another body's "
            "number as the document's reference number.",
            code="not_a_un_symbol",
            params={"value": value},
        )
