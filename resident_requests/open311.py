"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML.

GET answers without login with public information only: the request number (`service_request_id` is the
public id, never the resident's tracking code), category, place, dates and the step in plain words. A
logged-in or token-authenticated caller also gets the description and the answer of requests in their scope.
POST follows the public form's rules (rate limits) and needs `address_id`: the code of a heart-link card; its
answer alone carries the tracking code, in `service_notice`, for the caller to pass to the resident.
"""

import datetime as dt
import re
import xml.etree.ElementTree as ET

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from core.throttle import over_limit
from governance.roles import Capability
from governance.scope import scope_for
from households.selectors import household_by_token
from resident_requests.lifecycle import ENDED, Status
from resident_requests.models import Category, ResidentRequest
from resident_requests.selectors import public_step
from resident_requests.services.intake import IdempotencyConflict, request_submit

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
POST_LIMIT_PER_ADDRESS = 10


def _render(request, fmt: str, root: str, item: str, rows, status: int = 200):
    if fmt == "xml":
        element = ET.Element(root)
        for row in rows:
            child = ET.SubElement(element, item)
            for key, value in row.items():
                ET.SubElement(child, key).text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        return HttpResponse(
            b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8"), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(request, fmt: str, code: int, description: str):
    return _render(request, fmt, "errors", "error", [{"code": code, "description": description}], status=code)


def _caller(request):
    """The session user, or the user of an API token; None for anonymous callers."""
    if request.user.is_authenticated:
        return request.user
    try:
        result = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return result[0] if result else None


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def _request_row(req: ResidentRequest, in_scope: bool) -> dict:
    # Handling notes are internal and answers are addressed to one resident: only callers in scope read the answer.
    answer = req.answer_note if in_scope else ""
    row = {
        "service_request_id": req.public_id,
        "status": "closed" if req.status in ENDED else "open",
        "status_notes": f"{public_step(req.status)}{'：' + answer if answer else ''}",
        "service_name": req.category.name,
        "service_code": req.category.code,
        "agency_responsible": f"{req.grid.community.name} · {req.get_level_display()}",
        "requested_datetime": _iso(req.created_at),
        "updated_datetime": _iso(req.updated_at),
        "expected_datetime": _iso(req.stage_deadline),
        "address": f"{req.grid.community.name} {req.grid.name}",
    }
    if in_scope:
        row["description"] = req.description
    return row


@login_not_required
def discovery(request, fmt="json"):
    base = request.build_absolute_uri("/open311/v2/")
    rows = [{"changeset": "2026-01-01T00:00:00+08:00", "contact": "", "key_service": "", "endpoints": f"{base} (production, v2, json xml)"}]
    return _render(request, fmt, "discovery", "endpoint", rows)


@login_not_required
def service_list(request, fmt="json"):
    categories = Category.objects.filter(active=True).select_related("parent").order_by("parent__sort_order", "sort_order")
    rows = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": str(c),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": c.parent.name if c.parent else c.name,
        }
        for c in categories
    ]
    return _render(request, fmt, "services", "service", rows)


@login_not_required
def service_definition(request, code, fmt="json"):
    if not Category.objects.filter(code=code, active=True).exists():
        return _error(request, fmt, 404, "service_code not found")
    if fmt == "xml":
        return HttpResponse(
            f'<?xml version="1.0" encoding="utf-8"?><service_definition><service_code>{code}</service_code><attributes/></service_definition>'.encode(),
            content_type="text/xml; charset=utf-8",
        )
    return JsonResponse({"service_code": code, "attributes": []})


def _positive_int(params, name: str, default: int) -> int:
    """ASCII digits only: str.isdigit() accepts "²", which int() refuses."""
    value = params.get(name, "")
    if value == "":
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value) or int(value) < 1:
        raise ValueError(f"{name} must be a positive integer")
    return int(value)


def _moment(params, name: str) -> dt.datetime:
    """A W3C datetime; impossible dates (month 13, hour 25) are refused like malformed ones, and a time without offset is local."""
    message = f"{name} must be a W3C datetime"
    try:
        moment = parse_datetime(params[name])
        if moment is None:
            raise ValueError(message)
        # The database compares in UTC: 0001-01-01T00:00+08:00 has no UTC year and must fail here, not in the query.
        return (moment if timezone.is_aware(moment) else timezone.make_aware(moment)).astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(message) from exc


def _scoped_ids(user):
    return scope_for(user, Capability.VIEW_REQUESTS) if user is not None else None


@csrf_exempt
@login_not_required
def requests_collection(request, fmt="json"):
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        return _error(request, fmt, 405, "method not allowed")
    params = request.GET
    try:
        size = min(_positive_int(params, "page_size", PAGE_SIZE), MAX_PAGE_SIZE)
        number = _positive_int(params, "page", 1)
        moments = {name: _moment(params, name) for name in ("start_date", "end_date") if params.get(name)}
    except ValueError as exc:
        return _error(request, fmt, 400, str(exc))
    if params.get("status", "") not in ("", "open", "closed"):
        return _error(request, fmt, 400, "status must be open or closed")
    qs = ResidentRequest.objects.select_related("category", "grid__community").exclude(status=Status.MERGED).order_by("-created_at", "-id")
    if params.get("service_request_id"):
        qs = qs.filter(public_id__in=[number.strip().upper() for number in params["service_request_id"].split(",")])
    if params.get("service_code"):
        qs = qs.filter(Q(category__code__in=params["service_code"].split(",")) | Q(category__parent__code__in=params["service_code"].split(",")))
    if "start_date" in moments:
        qs = qs.filter(created_at__gte=moments["start_date"])
    if "end_date" in moments:
        qs = qs.filter(created_at__lte=moments["end_date"])
    if params.get("status"):
        qs = qs.filter(status__in=ENDED) if params["status"] == "closed" else qs.exclude(status__in=ENDED)
    if not any(params.get(name) for name in ("service_request_id", "start_date", "end_date")):
        qs = qs.filter(created_at__gte=timezone.now() - dt.timedelta(days=90))
    try:
        page = Paginator(qs, size).page(number)
    except EmptyPage:
        return _render(request, fmt, "service_requests", "request", [])
    scope = _scoped_ids(_caller(request))
    rows = [_request_row(req, scope is not None and scope.contains(req.ancestry())) for req in page]
    return _render(request, fmt, "service_requests", "request", rows)


@login_not_required
def request_item(request, code, fmt="json"):
    req = ResidentRequest.objects.select_related("category", "grid__community").filter(public_id=code.strip().upper()).first()
    if req is None:
        return _error(request, fmt, 404, "service_request_id not found")
    scope = _scoped_ids(_caller(request))
    return _render(request, fmt, "service_requests", "request", [_request_row(req, scope is not None and scope.contains(req.ancestry()))])


def _create(request, fmt: str):
    data = request.POST
    category = Category.objects.filter(code=data.get("service_code", ""), active=True).first()
    if category is None:
        return _error(request, fmt, 400, "service_code not found")
    household = household_by_token(data.get("address_id", ""))
    if household is None:
        return _error(request, fmt, 400, "address_id must be the code of a heart-link card")
    address = request.META.get("REMOTE_ADDR", "")
    if over_limit(f"open311:ip:{address}", POST_LIMIT_PER_ADDRESS):
        return _error(request, fmt, 429, "too many requests from this address; try later")
    try:
        created = request_submit(
            source=ResidentRequest.Source.API,
            category=category,
            description=data.get("description", ""),
            grid=household.grid,
            building=household.building,
            household=household,
            reporter_name=" ".join(filter(None, [data.get("last_name", ""), data.get("first_name", "")])),
            phone=data.get("phone", ""),
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            caller=f"open311:{address}",
        )
    except IdempotencyConflict as exc:
        return _error(request, fmt, 409, " ".join(exc.messages))
    except ValidationError as exc:
        return _error(request, fmt, 400, " ".join(exc.messages))
    notice = _("Give the resident the tracking code %(code)s: with it they follow and rate the handling at %(url)s") % {
        "code": created.tracking_code,
        "url": request.build_absolute_uri(reverse("public-track", args=[created.tracking_code])),
    }
    row = {"service_request_id": created.public_id, "service_notice": notice, "account_id": None}
    return _render(request, fmt, "service_requests", "request", [row], status=201)


def with_formats(route: str, view, name: str):
    """Each resource answers with and without a format suffix (.json, .xml)."""
    return [path(f"{route}.<str:fmt>", _checked(view), name=f"{name}-fmt"), path(route, view, name=name)]


def _checked(view):
    def wrapper(request, *args, fmt="json", **kwargs):
        if fmt not in ("json", "xml"):
            return _error(request, "json", 400, "format must be json or xml")
        return view(request, *args, fmt=fmt, **kwargs)

    return csrf_exempt(login_not_required(wrapper))
