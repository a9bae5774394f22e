"""No English in the Chinese UI: each persona's crawl of the pages and every export are read for untranslated keys
(choice values, field names, figure keys such as `visited_30`) and for English words left untranslated."""

import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.models import User
from households.models import CareTag
from households.selectors import COVERAGE_LABELS
from oversight import dashboards
from oversight.reports import monthly_report_generate
from resident_requests.models import Category
from volunteers.models import PointsRule

pytestmark = pytest.mark.django_db

# Every kind of account of the world, narrowest last; `outsider` reads another district.
PERSONAS = ["city1", "district", "street1", "community1", "cc001", "grid1", "gp0001", "bh0001", "volunteer1", "outsider"]
PAGES_PER_ROLE = 150
# Pages of one route differ by their rows, not their words: a few of each are enough.
PAGES_PER_ROUTE = 2
ADMIN_PAGES_PER_ROLE = 40
# Never followed: they end the session, change the language, serve files or answer JSON (the API speaks keys by design).
SKIPPED_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/media/", "/api/", "/open311/", "/healthz")
# The apps whose models' choices and field names are keys a page must never show raw.
PROJECT_APPS = {"governance", "grids", "households", "resident_requests", "volunteers", "party_building", "oversight", "notifications"}
# English words a Chinese page may show: the language chooser's own name, product names and the keys Django's own
# Chinese help text names ("Control", "Command" on a "Mac"), file types and abbreviations.
ALLOWED_WORDS = {"English", "Excel", "Open311", "Axes", "Control", "Command", "Mac", "xlsx", "pdf", "PDF", "API", "QR", "ID"}
HIDDEN_TAGS = {"script", "style", "noscript", "template"}
VISIBLE_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}
# Addresses, paths and file names are Latin by nature; they are removed before the words are read.
# The package the official calendar is loaded from is named as the calendar years' source.
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|/\S*|[\w.-]+\.(?:xlsx|pdf|csv|png|jpe?g|svg|json)\b|chinese-calendar")
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?![A-Za-z0-9_])")
ENGLISH_WORD = re.compile(r"[A-Za-z][a-z]{2,}|[a-z]{3,}")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        attributes = dict(attrs)
        # Django's admin icons carry fixed English alt texts ("True", "Search") that no catalogue translates.
        if tag == "img" and "/admin/img/" in (attributes.get("src") or ""):
            return
        self.texts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.texts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    """The text nodes a reader sees (scripts and styles left out), and the attributes a browser shows."""
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def known_keys() -> set[str]:
    """The identifiers the code stores or computes: choice values, field names, tag and rule codes, figure keys."""
    keys = set(COVERAGE_LABELS) | set(dashboards.VOLUNTEER_LABELS)
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            keys.add(field.name)
            keys |= {str(value) for value, _label in getattr(field, "flatchoices", None) or () if isinstance(value, str)}
    keys |= set(CareTag.objects.values_list("code", flat=True)) | set(PointsRule.objects.values_list("kind", flat=True))
    keys |= set(Category.objects.values_list("code", flat=True))
    # Short keys ("id", "pk") are too common in names and codes to tell apart.
    return {key for key in keys if re.fullmatch(r"[a-z][a-z0-9_]+", key) and len(key) >= 3}


def untranslated(texts, *, keys: set[str], allowed: set[str] = frozenset()) -> list[str]:
    """What a Chinese reader would see untranslated: known keys, or English words that are not allowed, per text."""
    found = []
    for text in texts:
        words = [word for word in WORD.findall(NOT_WORDS.sub(" ", text)) if word not in allowed and word not in ALLOWED_WORDS]
        raw = [word for word in words if word in keys]
        english = [word for word in words if word not in keys and (ENGLISH_WORD.fullmatch(word) or ("_" in word and word.islower()))]
        if raw:
            found.append(f"key {' '.join(raw)} in {text[:100]!r}")
        elif english:
            found.append(f"English in {text[:100]!r}")
    return found


def workbook_texts(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    texts = [sheet.title for sheet in book.worksheets]
    for sheet in book.worksheets:
        texts += [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    return texts


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _route(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


def _links(html: str) -> list[str]:
    return re.findall(r"""href=["'](/[^/"'][^"'#]*|/)["'#]""", html)


def crawl(client, *, start: str = "/") -> tuple[dict[str, list[str]], int]:
    """Follow same-site links from `start`: each path once bare and once with its first query string."""
    queue, seen, per_route, admin = deque([start]), set(), Counter(), 0
    texts: dict[str, list[str]] = {}
    while queue and len(texts) < PAGES_PER_ROLE:
        url = queue.popleft().replace("&amp;", "&")
        parts = urlsplit(url)
        key = (parts.path, bool(parts.query))
        if key in seen or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        seen.add(key)
        route = _route(parts.path)
        if per_route[route] >= PAGES_PER_ROUTE or (parts.path.startswith("/admin/") and admin >= ADMIN_PAGES_PER_ROLE):
            continue
        per_route[route] += 1
        admin += parts.path.startswith("/admin/")
        response = client.get(url)
        kind = response.get("Content-Type", "")
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        elif kind.startswith(XLSX):
            texts[url] = workbook_texts(_body(response))
        elif kind.startswith("text/html"):
            html = response.content.decode()
            texts[url] = visible_texts(html)
            queue.extend(_links(html))
    return texts, len(texts)


def _codes() -> set[str]:
    """The words of the codes the back office lists beside each name: category, care tag and points rule codes."""
    codes = [
        *Category.objects.values_list("code", flat=True),
        *CareTag.objects.values_list("code", flat=True),
        *PointsRule.objects.values_list("kind", flat=True),
    ]
    return {word for code in codes for word in WORD.findall(code)}


def _report(pages: dict[str, list[str]], keys: set[str], allowed: set[str]) -> list[str]:
    back_office = allowed | _codes()
    return sorted(
        {
            f"{url}: {problem}"
            for url, texts in pages.items()
            for problem in untranslated(texts, keys=keys, allowed=back_office if url.startswith("/admin/") else allowed)
        }
    )


def test_the_detector_finds_a_raw_level_and_a_figure_key():
    page = """<html lang="zh-hans"><head><style>.grid{}</style></head><body><table><tr><th>visited_30</th><th>户数</th></tr>
    <tr><td>grid</td><td>12</td></tr></table><p>网格员 Grid worker</p><script>var level = "grid";</script></body></html>"""
    problems = untranslated(visible_texts(page), keys={"grid", "visited_30"})
    assert problems == ["key visited_30 in 'visited_30'", "key grid in 'grid'", "English in '网格员 Grid worker'"]


def test_the_detector_lets_names_codes_and_files_pass():
    page = """<p>grid1 · 13010200100100 · household-template.xlsx · a@example.com · /households/12/ · Excel 表格 · 2026-05-01 12:30</p>"""
    assert untranslated(visible_texts(page), keys={"grid", "household", "template", "households"}) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_english_on_the_pages_a_persona_reaches(persona, login):
    client = login(persona)
    pages, count = crawl(client)
    print(f"{persona}: {count} pages")
    # Account names are Latin by design (they are typed at login), so a page may show them.
    allowed = set(User.objects.values_list("username", flat=True))
    assert count > 5
    assert _report(pages, known_keys(), allowed) == []


def test_no_english_in_the_exports(login, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = user("community1").memberships.get().community
    district = user("district").memberships.get().district
    city = user("city1").memberships.get().city
    report = monthly_report_generate(node=community, month=timezone.localdate().replace(day=1))
    exports = {
        "grid1": [reverse("ledger-export"), reverse("ledger-template")],
        "community1": [reverse("ledger-export"), reverse("report-download", args=[report.pk, "xlsx"])],
        "district": [reverse("dashboard-export", args=["district", district.pk]), reverse("dashboard-export", args=["community", community.pk])],
        "city1": [reverse("dashboard-export", args=["city", city.pk])],
    }
    pages = {}
    for persona, urls in exports.items():
        client = login(persona)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Type"].startswith(XLSX), url
            pages[f"{persona} {url}"] = workbook_texts(_body(response))
    assert _report(pages, known_keys(), set()) == []
