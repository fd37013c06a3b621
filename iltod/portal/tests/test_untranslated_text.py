"""A scan of the main pages for text a visitor should never see: English words on a Mongolian page,
and raw code values (``in_progress``, ``name_hidden``) in either language.

The pages are rendered on the seeded demo data, in Mongolian and in English, as the visitor and as
a feedback handler. Only what is shown is read: text outside scripts and styles, and the attributes
a browser shows or reads aloud (placeholder, title, aria-label, alt, the value of buttons).
"""

import gzip
import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils.translation import trans_real

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.core.testing.visible_text import english_words, raw_codes, visible_text
from iltod.engagement.models import Group
from iltod.feedback.models import Event, Feedback
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit
from iltod.scorecards.models import ScorecardCycle


class UntranslatedTextScanTests(TestCase):
    """One demo seed shared by the scan of every page."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", verbosity=0, stdout=StringIO())
        handlers = Membership.objects.with_capability(Capability.HANDLE_FEEDBACK).filter(user__is_superuser=False)
        cls.item = (
            Feedback.objects.filter(
                handling_organization__in=handlers.values("organization"), service_unit__isnull=False
            )
            .exclude(privacy=Feedback.Privacy.CONFIDENTIAL)
            .filter(events__type="status")
            .order_by("pk")
            .first()
        )
        cls.handler = handlers.filter(organization=cls.item.handling_organization).select_related("user").first().user
        managers = Membership.objects.with_capability(Capability.MANAGE_NETWORK).filter(
            user__is_superuser=False, organization__kind=Organization.Kind.NETWORK, organization__is_public=True
        )
        manager = managers.select_related("user", "organization").order_by("pk").first()
        cls.network, cls.network_admin = manager.organization, manager.user

    def pages(self) -> list[tuple[str, str]]:
        """(path, who reads it: "" for a visitor, or an attribute naming a user) of every page the scan reads."""
        facility = self.item.service_unit
        aimag = AdminUnit.objects.filter(level=AdminUnit.Level.AIMAG).order_by("code").first()
        organization = self.item.handling_organization
        group = Group.objects.order_by("pk").first()
        cycle = ScorecardCycle.objects.order_by("pk").first()
        pages = [
            (reverse("portal:home"), ""),
            (reverse("places:facility_search") + "?q=" + facility.name_mn.split()[0], ""),
            (reverse("places:facility_search"), ""),
            (facility.get_absolute_url(), ""),
            (reverse("feedback:submit"), ""),
            (reverse("feedback:submit") + "?facility=" + facility.code, ""),
            (reverse("feedback:track_lookup"), ""),
            (reverse("feedback:track", args=[self.item.tracking_code]) + "?key=" + self.item.citizen_key, ""),
            (reverse("feedback:public_list"), ""),
            (self.item.get_absolute_url(), ""),
            (reverse("feedback:statistics"), ""),
            (reverse("places:admin_unit", args=[aimag.code]), ""),
            (reverse("organizations:list"), ""),
            (organization.get_absolute_url(), ""),
            (self.network.get_absolute_url(), ""),
            (reverse("accounts:login"), ""),
            (reverse("feedback:inbox"), "handler"),
            (reverse("feedback:staff_detail", args=[self.item.tracking_code]), "handler"),
            (reverse("engagement:group_list"), ""),
            (reverse("scorecards:public_list"), ""),
            (reverse("accounts:account"), "handler"),
            (reverse("feedback:statistics"), "handler"),
            (reverse("organizations:network_members", args=[self.network.code]) + "?q=a", "network_admin"),
        ]
        if group is not None:
            pages.append((reverse("engagement:group_detail", args=[group.code]), ""))
        if cycle is not None:
            pages.append((reverse("scorecards:public_report", args=[cycle.code]), ""))
        return pages + self.module_pages(aimag)

    def module_pages(self, aimag) -> list[tuple[str, str]]:
        """The public pages of disclosure, procurement, learning and results, with one of each kind of
        record the demo writes."""
        pages = [
            (reverse("disclosure:requirements"), ""),
            (reverse("disclosure:compliance"), ""),
            (reverse("disclosure:open_data"), ""),
            (reverse("disclosure:budget_list"), ""),
            (reverse("disclosure:transfer_list"), ""),
            (reverse("disclosure:project_list"), ""),
            (reverse("procurement:process_list"), ""),
            (reverse("procurement:network_cases", args=[self.network.code]), ""),
            (reverse("learning:home"), ""),
            (reverse("learning:directory", args=[self.network.code]), ""),
            (reverse("procurement:monitoring"), ""),
            (reverse("results:index"), ""),
            (reverse("results:ranking"), ""),
            (reverse("results:methodology"), ""),
            (reverse("results:inclusion"), ""),
        ]
        public = {  # model: the filter that leaves only what a visitor may open
            "disclosure.DisclosureRequirement": {},
            "disclosure.Disclosure": {},
            "disclosure.LdfProject": {},
            "procurement.ContractingProcess": {},
            "procurement.Party": {},
            "learning.Training": {"is_public": True},
            "learning.LibraryItem": {"status": "published"},
            "learning.StrategicPlan": {"visibility": "public"},
            "results.Framework": {"is_public": True},
            "results.Indicator": {"result__framework__is_public": True},
        }
        for label, filters in public.items():
            record = apps.get_model(label).objects.filter(**filters).order_by("pk").first()
            if record is not None:
                pages.append((record.get_absolute_url(), ""))
        return pages

    def data_pattern(self) -> re.Pattern:
        """The data that may be Latin on a Mongolian page: names, codes and citizens' own words (often
        Mongolian typed in Latin letters). Only values with a Latin letter matter."""
        values = set(Feedback.objects.values_list("tracking_code", flat=True))
        for model in (ServiceUnit, Organization, AdminUnit):
            values.update(model.objects.values_list("name", flat=True))
            values.update(model.objects.values_list("code", flat=True))
        values.update(Feedback.objects.values_list("public_description", flat=True))
        values.update(Event.objects.values_list("public_text", flat=True))
        values.update(apps.get_model("procurement.ContractingProcess").objects.values_list("ocid", flat=True))
        latin = sorted({" ".join(v.split()) for v in values if v and re.search("[A-Za-z]", v)}, key=len, reverse=True)
        return re.compile("|".join(re.escape(v) for v in latin) or "(?!)")

    def render(self, path: str, language: str, who: str) -> list[str]:
        self.client.logout()
        if who:
            self.client.force_login(getattr(self, who))
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get(path, follow=True)
        self.assertEqual(response.status_code, 200, path)
        if who:  # the page itself, not the login form it would send a stranger to
            self.assertEqual(response.redirect_chain, [], path)
        return visible_text(response.content.decode())

    def test_mongolian_pages_show_no_english_words_and_no_raw_codes(self):
        data = self.data_pattern()
        problems = []
        for path, who in self.pages():
            parts = self.render(path, "mn", who)
            problems += [f"{path}: English: {p!r}" for p in english_words(parts, data)]
            problems += [f"{path}: raw code: {p!r}" for p in raw_codes(parts)]
        assert not problems, "\n".join(problems)

    def test_module_pages_weigh_under_50_kb_compressed(self):
        """Each public page of the four modules, with the styles, scripts and images it loads from
        the site, as nginx sends them (gzip at level 1 for text, docs/deployment.md)."""
        heavy = []
        for path, _who in self.module_pages(AdminUnit.objects.filter(level=AdminUnit.Level.AIMAG).first()):
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "mn"
            response = self.client.get(path, follow=True)
            html = response.content
            total = len(gzip.compress(html, compresslevel=1)) + sum(map(static_bytes, StaticAssets.of(html)))
            if total >= 50 * 1024:
                heavy.append(f"{path}: {total / 1024:.1f} KB")
        assert not heavy, "pages over 50 KB compressed:\n" + "\n".join(heavy)

    def test_english_pages_show_no_raw_codes(self):
        problems = []
        for path, who in self.pages():
            parts = self.render(path, "en", who)
            problems += [f"{path}: raw code: {p!r}" for p in raw_codes(parts)]
        assert not problems, "\n".join(problems)


class StaticAssets(HTMLParser):
    """The site's own styles, scripts and images a page loads (each counted once)."""

    def __init__(self):
        super().__init__()
        self.paths: set[str] = set()

    @classmethod
    def of(cls, html: bytes) -> set[str]:
        parser = cls()
        parser.feed(html.decode())
        return parser.paths

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        url = a.get("href") if tag == "link" and "stylesheet" in (a.get("rel") or "").split() else a.get("src")
        if tag in {"link", "script", "img"} and url and url.startswith(settings.STATIC_URL):
            self.paths.add(url[len(settings.STATIC_URL) :].split("?", 1)[0])


def static_bytes(path: str) -> int:
    found = finders.find(path)
    assert found, f"the page loads {path}, which is not a static file"
    body = Path(found).read_bytes()
    return len(gzip.compress(body, compresslevel=1)) if path.endswith((".css", ".js", ".svg")) else len(body)


# --- Every string the code marks for translation has a Mongolian translation --------------------
# The scan above reads the pages the demo shows; this reads the code, so that a message the demo
# never shows (an error, an empty chart's "not scored") is not left in English either. It reads
# `{% translate "…" %}` in templates and `_("…")`/`gettext…("…")` in Python (one-line literals).

TEMPLATE_MSGID = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]+)"|'([^']+)')""")
PYTHON_MSGID = re.compile(
    r"""(?<![\w.])(?:_|_lazy|gettext|gettext_lazy)\(\s*(?:"((?:[^"\\\n]|\\.)+)"|'((?:[^'\\\n]|\\.)+)')\s*[,)]"""
)
# pgettext("context", "text"): the catalogue keys it as context + "\x04" + text.
PYTHON_MSGID_IN_CONTEXT = re.compile(r"""(?<![\w.])pgettext(?:_lazy)?\(\s*"([^"]+)",\s*"([^"]+)"\s*[,)]""")


def msgids_in_code() -> dict[str, str]:
    """Each msgid found in the project's templates and Python, with the first file naming it."""
    root = Path(settings.BASE_DIR) / "iltod"
    found = {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".html", ".txt", ".py"} or {"tests", "migrations", "testing"} & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        pattern = PYTHON_MSGID if path.suffix == ".py" else TEMPLATE_MSGID
        where = str(path.relative_to(root.parent))
        for match in pattern.finditer(text):
            msgid = match.group(1) or match.group(2)
            if path.suffix == ".py" and "\\" in msgid:
                msgid = msgid.encode().decode("unicode_escape")
            elif path.suffix != ".py":
                msgid = msgid.replace("%", "%%")  # as Django's template tag looks it up
            found.setdefault(msgid, where)
        if path.suffix == ".py":
            for match in PYTHON_MSGID_IN_CONTEXT.finditer(text):
                found.setdefault(f"{match.group(1)}\x04{match.group(2)}", where)
    return found


def test_every_string_marked_for_translation_has_a_mongolian_translation():
    catalogue = trans_real.translation("mn")._catalog  # ours, the modules' and Django's, merged
    known = {key[0] if isinstance(key, tuple) else key for key in catalogue.keys()}
    missing = [f"{where}: {msgid!r}" for msgid, where in msgids_in_code().items() if msgid not in known]
    assert len(msgids_in_code()) > 1000, "the extraction found too few strings: is the pattern broken?"
    assert not missing, "not in any Mongolian catalogue:\n" + "\n".join(missing)
