"""Text folded the way a reader compares names: case, accents and punctuation aside.

"Söderköping", "soderkoping" and "SODERKOPING" fold alike; so do "Côte d'Ivoire",
"Cote d’Ivoire" and "cote divoire". Name pickers, "did you mean" and search all compare
folded text, so that they agree with one another.
"""

import re
import unicodedata

# Apostrophes and quotes join the letters around them ("d'Ivoire" → "divoire").
_JOINING = dict.fromkeys(map(ord, "'’‘`´\"“”«»"), None)
# Letters NFKD does not take apart.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text):
    """Lower-case ASCII words separated by single spaces, e.g. "Söderköping Process" →
    "soderkoping process"; "&" reads as "and"."""
    if not text:
        return ""
    text = str(text)
    if text.isascii():  # most names: nothing to take apart
        return _NOT_WORD.sub(" ", text.lower().translate(_JOINING).replace("&", " and ")).strip()
    text = text.casefold().translate(_JOINING).translate(_LETTERS).replace("&", " and ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", text).strip()
