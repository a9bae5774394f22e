"""The field app (网格通): web app manifest, service worker and the pages a grid worker's phone keeps for offline use.

Security invariant: the phone keeps only pages it fetched with the user's own session (the same scope and masking as
online), only for the field roles, only at the addresses listed here; the cache is one user's and is wiped at logout
(Clear-Site-Data) and when another user logs in on the phone (static/js/offline.js).
"""

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from governance.roles import Capability, Role
from governance.scope import roles_of, scope_for
from grids.models import Building
from households import selectors as ledger
from resident_requests import selectors as request_selectors

FIELD_ROLES = {Role.GRID_WORKER, Role.GRID_LEADER, Role.GRID_PART_TIME, Role.VOLUNTEER}
# The pages a phone may keep: everything else always goes to the network (and is never stored on the phone).
KEPT_PATHS = [
    r"^/today/$",
    r"^/me/$",
    r"^/offline/$",
    r"^/requests/$",
    r"^/requests/new/$",
    r"^/requests/\d+/$",
    r"^/visits/due/$",
    r"^/households/$",
    r"^/households/\d+/$",
    r"^/households/\d+/visits/new/$",
    r"^/buildings/\d+/households/$",
    r"^/volunteers/me/$",
]
MAX_HOUSEHOLDS = 600
MAX_REQUESTS = 100
HOUSEHOLD_LIST_PAGE = 30
STATIC_FILES = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "css/app.css",
    "js/offline.js",
    "js/building-picker.js",
    "img/favicon.svg",
    "img/icon-192.png",
    "img/icon-512.png",
]


def is_field_user(user) -> bool:
    return user.is_authenticated and bool(roles_of(user) & FIELD_ROLES)


def offline_pages_for(user) -> list[str]:
    """The addresses the user's phone fetches and keeps, most needed first: the day, the queue, then the grid's ledger."""
    pages = [reverse("today"), reverse("me"), reverse("offline"), reverse("request-queue"), reverse("visits-due")]
    if not scope_for(user, Capability.HANDLE_REQUESTS).is_empty or Role.VOLUNTEER in roles_of(user):
        pages.append(reverse("request-intake"))
    if Role.VOLUNTEER in roles_of(user):
        pages.append(reverse("volunteer-me"))
    requests = request_selectors.my_queue(user).values_list("pk", flat=True)[:MAX_REQUESTS]
    pages += [reverse("request-detail", args=[pk]) for pk in requests]
    if not scope_for(user, Capability.EDIT_LEDGER).is_empty:
        households = list(
            ledger.household_list_for(user).filter(grid__in=_own_grids(user)).order_by("next_visit_due", "pk").values_list("pk", flat=True)[:MAX_HOUSEHOLDS]
        )
        pages += [reverse("household-list")] + [f"{reverse('household-list')}?page={n}" for n in range(2, len(households) // HOUSEHOLD_LIST_PAGE + 2)]
        for pk in households:
            pages += [reverse("household-detail", args=[pk]), reverse("visit-create", args=[pk])]
        buildings = Building.objects.filter(grid__in=_own_grids(user)).order_by("grid_id", "number").values_list("pk", flat=True)
        pages += [reverse("building-households", args=[pk]) for pk in buildings]
    return list(dict.fromkeys(pages))


def _own_grids(user):
    """Only the grids the user works in (a grid leader's or worker's own), never a cadre's whole area."""
    return user.memberships.filter(grid__isnull=False).values("grid_id")


@login_not_required
@require_GET
def manifest(request):
    data = {
        "name": _("Grid Link (网格通)"),
        "short_name": _("Grid Link"),
        "description": _("Patrols, visits and residents' requests on the grid worker's phone, online and offline."),
        "lang": "zh-CN",
        "start_url": reverse("today") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c8102e",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@login_not_required
@require_GET
@never_cache
def service_worker(request):
    """The worker script at the site's root, so that it may serve every page; never cached, so a new version is seen at once."""
    static_urls = [static(path) for path in STATIC_FILES]
    context = {
        "version": hashlib.sha256(json.dumps([static_urls, KEPT_PATHS]).encode()).hexdigest()[:12],
        "static_urls": json.dumps(static_urls),
        "kept_paths": json.dumps(KEPT_PATHS),
        "offline_url": json.dumps(reverse("offline")),
    }
    response = render(request, "workbench/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@never_cache
def offline_pages(request):
    """What this user's phone should keep now (the app asks when online, at most every few minutes)."""
    if not is_field_user(request.user):
        raise Http404
    return JsonResponse({"user": request.user.pk, "pages": offline_pages_for(request.user)})


@require_GET
def offline(request):
    """待同步: what the phone holds to send, and the page shown for an address the phone has not kept."""
    if not is_field_user(request.user):
        raise Http404
    return render(request, "workbench/offline.html")
