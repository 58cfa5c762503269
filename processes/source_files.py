"""A curator's new source: the text of an uploaded file (plain text, PDF or HTML), checked
before anything is stored, and where the text is kept.

The text is what passages are cited from, so it is extracted once, at upload, and stored
like the seeds' texts (``SourceText``), and written as ``<file name>`` into the sources'
folder (``settings.CATALOGUE_SOURCES_DIR``) when that folder can be written to, so that
``load_catalogue`` on a fresh database finds it beside the others.
"""

import hashlib
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

# What an upload may be, by its name's extension, and the bytes its content must begin with.
KINDS = {
    ".txt": ("text", None),
    ".text": ("text", None),
    ".pdf": ("pdf", b"%PDF-"),
    ".html": ("html", None),
    ".htm": ("html", None),
}


class SourceFileError(ValueError):
    """An upload that cannot become a source's text; the message says why, for the form."""


def max_upload_bytes():
    return settings.CATALOGUE_SOURCE_UPLOAD_MAX_BYTES


def check_size(size):
    """Raise SourceFileError if a file of ``size`` bytes is over the cap."""
    limit = max_upload_bytes()
    if size > limit:
        raise SourceFileError(
            f"The file is {size:,} bytes; a source file may be at most {limit:,} bytes."
        )


def extract_text(name, data):
    """The text of an uploaded file given its name and bytes; raises SourceFileError."""
    check_size(len(data))
    kind, magic = KINDS.get(Path(name or "").suffix.lower(), (None, None))
    if kind is None:
        raise SourceFileError(
            "Upload a plain text (.txt), PDF (.pdf) or HTML (.html) file; "
            f"“{name}” is none of these."
        )
    if magic and not data.startswith(magic):
        raise SourceFileError(f"“{name}” is named as a PDF but is not one.")
    if kind == "pdf":
        text = _pdf_text(data)
    else:
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceFileError(
                f"“{name}” is not UTF-8 text (byte {exc.start} cannot be read); save it as "
                "UTF-8 and upload it again."
            ) from exc
        text = _html_text(decoded) if kind == "html" else decoded
    if "\x00" in text:
        raise SourceFileError(f"“{name}” holds a NUL character, which no text may hold.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SourceFileError(
            f"No text could be read from “{name}” (a scanned PDF holds images of pages, not text)."
        )
    return text


def _pdf_text(data):
    """Each page's text, pages separated by a blank line and opened by their number (as the
    catalogue's paged report is transcribed: "1 …", "2 …")."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise SourceFileError("The PDF is encrypted: upload an unprotected copy.")
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            text = re.sub(r"[ \t]*\n[ \t]*", " ", page.extract_text() or "").strip()
            pages.append(f"{number} {text}".rstrip())
    except SourceFileError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceFileError(f"The PDF cannot be read ({exc}).") from exc
    return "\n\n".join(pages) + "\n"


class _TextOfHTML(HTMLParser):
    """The readable text of an HTML page: no scripts, styles or head; blocks on lines."""

    BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section"}
    SKIPPED = {"script", "style", "head", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _html_text(markup):
    parser = _TextOfHTML()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def store_text(source, text):
    """Store ``text`` as the source's text, and write it into the sources' folder when the
    folder can be written to; return the path written, or None."""
    from processes.models import SourceText

    SourceText.objects.update_or_create(
        source=source,
        defaults={"text": text, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()},
    )
    folder = Path(settings.CATALOGUE_SOURCES_DIR)
    path = folder / source.file_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path
