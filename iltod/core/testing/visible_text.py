"""What a visitor sees or hears on a page, and the checks of the untranslated-text scans: English
words on a Mongolian page, raw code values (``in_progress``) in any language.

Only what is shown is read: text outside scripts and styles, and the attributes a browser shows or
reads aloud (placeholder, title, aria-label, alt, the value of buttons). An element declared in
another language (``lang="en"`` on the switch to English) is left out.
"""

import re
from html.parser import HTMLParser

# Latin tokens that are not English sentences: standards, formats, brands, units.
ALLOWED_LATIN = {
    "Open311", "API", "REST", "OpenAPI", "XLSX", "CSV", "JSON", "XML", "KoBo", "KoBoToolbox", "ODK", "XLSForm",
    "SMS", "PDF", "OCDS", "OCID", "PETS", "IATI", "SDG", "Atom", "RSS", "INI",
    "GeoJSON", "OpenStreetMap", "OSM", "Swagger", "SVG", "HTML", "URL", "E", "mail",
    "ID", "MN", "UB", "Iltod", "NGO", "CSO", "MSG", "GRM", "GeoReport", "v2", "v1", "QR", "km", "Google",
    "Authenticator", "Android", "iPhone", "FixMyStreet", "JPEG", "PNG", "WebP", "MB", "KB", "A4", "IP", "Unix",
    # the boundaries' source and licence, named as their publisher names them
    "OCHA", "HDX", "Common", "Operational", "Datasets", "COD", "AB", "CC", "BY", "IGO",
    # Mongolian typed in Latin letters, shown as an example of what the search understands
    "surguuli",
}  # fmt: skip
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
SKIPPED_ELEMENTS = {"script", "style", "template", "code", "pre"}
VOID_ELEMENTS = {"input", "img", "br", "hr", "meta", "link", "source", "area", "col", "embed", "wbr"}
# Data that may be Latin in any language: e-mail addresses, web addresses, codes with digits.
DATA = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{2,}\b|/\S*")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]*")
NO_DATA = re.compile("(?!)")
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


class VisibleText(HTMLParser):
    """Collect the text a visitor sees or hears, one string per text node or shown attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []
        self._language: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self._language = attrs.get("lang")
        # Not shown, or declared in another language (the switch to the other language names it in its own).
        hidden = tag in SKIPPED_ELEMENTS or attrs.get("lang") not in {None, self._language}
        if hidden and tag not in VOID_ELEMENTS:
            self._skipping.append(tag)
        if hidden or self._skipping:
            return
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def english_words(parts: list[str], data: re.Pattern = NO_DATA) -> list[str]:
    """Latin words in a Mongolian page that are neither allowed tokens nor data."""
    found = []
    for part in parts:
        text = DATA.sub(" ", part)
        if not any(w not in ALLOWED_LATIN for w in LATIN_WORD.findall(text)):
            continue
        # slower: only for the few parts with Latin words; the data first, whole (an OCID holds
        # digits the generic pattern would take out of its middle)
        text = DATA.sub(" ", data.sub(" ", part))
        if any(w not in ALLOWED_LATIN for w in LATIN_WORD.findall(text)):
            found.append(part)
    return found


def raw_codes(parts: list[str]) -> list[str]:
    return [part for part in parts if RAW_CODE.search(DATA.sub(" ", part))]
