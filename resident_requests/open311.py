"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML, for city systems (the 12345 platform, mini-program backends).

GET answers anyone with public fields: the request number (`service_request_id` is the public id, never the resident's
tracking code), service, place, dates and the step in plain words. Callers in scope (staff by session or API token, a
partner by its `api_key` for the requests it sent) also get the description, the card code and the notes marked for the
resident. POST needs a partner's `api_key`; its answer alone carries the tracking code, for the partner to pass on.
Errors answer the spec's format (`errors` of `code` and `description`) with the HTTP status as the code.
"""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, JsonResponse
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from core.idempotency import IdempotencyConflict
from core.params import parse_w3c_datetime
from core.throttle import over_limit
from governance.roles import Capability
from governance.scope import scope_for
from resident_requests.forms import Open311RequestForm
from resident_requests.lifecycle import ENDED, HandlingLevel, Status
from resident_requests.models import Category, ResidentRequest, ServiceAttribute
from resident_requests.selectors import PUBLIC_ENDINGS, open311_partner_by_key, open311_partner_origins, open311_requests, public_step
from resident_requests.services.intake import request_submit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+08:00"
FORMATS = {"json": "application/json", "xml": "text/xml"}
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_IDS = 50
WINDOW = dt.timedelta(days=90)
# The element of each item in an XML list, by the list's element.
ITEM_TAGS = {
    "service_requests": "request",
    "services": "service",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# XML 1.0 has no way to write these characters, even escaped: a description holding one would make the document unreadable.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _xml_fill(ET.SubElement(element, ITEM_TAGS[element.tag]), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = XML_INVALID.sub("", str(value))


def _render(fmt: str, root: str, body, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        _xml_fill(element, body)
        content = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8", xml_declaration=False)
        return HttpResponse(content, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(body, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, code: int, *descriptions: str) -> HttpResponse:
    return _render(fmt, "errors", [{"code": code, "description": str(description)} for description in descriptions], status=code)


def _allow_any_origin(response: HttpResponse) -> HttpResponse:
    """Reads are public: any page may call them (a browser sends no credentials to a `*` answer)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Link, X-Total-Count"
    return response


def _preflight(request, allowed: list[str]) -> HttpResponse:
    """The browser's OPTIONS before a call: reads from anywhere; posts only from an origin some partner's key asked for."""
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(allowed)
    origin = request.headers.get("Origin", "")
    if "POST" in allowed and origin.lower() in open311_partner_origins():
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        response["Vary"] = "Origin"
    else:
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type, Idempotency-Key"
    response["Access-Control-Max-Age"] = "600"
    return response


def endpoint(*methods: str):
    """An Open311 resource: its format (.json, .xml or none for JSON), its methods (405 + Allow otherwise), CORS."""
    allowed = [*methods, *(["HEAD"] if "GET" in methods else []), "OPTIONS"]

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, fmt="json", **kwargs):
            if fmt not in FORMATS:
                return _error("json", 404, _("Unknown format: ask for .json or .xml."))
            if request.method == "OPTIONS":
                return _preflight(request, allowed)
            if request.method not in allowed:
                response = _allow_any_origin(_error(fmt, 405, _("Method %(method)s is not allowed here.") % {"method": request.method}))
                response["Allow"] = ", ".join(allowed)
                return response
            response = view(request, *args, fmt=fmt, **kwargs)
            return response if request.method == "POST" else _allow_any_origin(response)

        return csrf_exempt(login_not_required(wrapper))

    return decorate


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


def _agency(req: ResidentRequest) -> str:
    """Who handles it now, by name: the resident unit, or the grid, community, street or district at the request's rung."""
    if req.handler_unit_id:
        return req.handler_unit.name
    grid = req.grid
    if req.level == HandlingLevel.ALLIANCE:
        return _("%(street)s red-alliance meeting") % {"street": grid.street.name}
    return {HandlingLevel.GRID: grid, HandlingLevel.COMMUNITY: grid.community, HandlingLevel.STREET: grid.street}.get(req.level, grid.district).name


def _notice(req: ResidentRequest, open_: bool) -> str | None:
    """What happens next: the time limit of the current step, or how it ended when that needs saying (merged, withdrawn)."""
    if open_ and req.stage_deadline:
        return _("Handled within a time limit: this step is due by %(due)s.") % {"due": _iso(req.stage_deadline)}
    return str(PUBLIC_ENDINGS.get(req.status, "")) or None


def _request_row(req: ResidentRequest, in_scope: bool) -> dict:
    """Every field of the spec; what only callers in scope may read is null for the others."""
    note = req.public_note if in_scope else ""
    open_ = req.status not in ENDED
    return {
        "service_request_id": req.public_id,
        "status": "open" if open_ else "closed",
        # Notes the cadres marked for the resident only: internal handling notes never leave the staff pages.
        "status_notes": f"{public_step(req.status)}{'：' + note if note else ''}",
        "service_name": req.category.name,
        "service_code": req.category.code,
        "description": req.description if in_scope else None,
        "agency_responsible": _agency(req),
        "service_notice": _notice(req, open_),
        "requested_datetime": _iso(req.created_at),
        "updated_datetime": _iso(req.updated_at),
        "expected_datetime": _iso(req.stage_deadline) if open_ else None,
        "address": (req.building.address or req.building.name) if req.building_id else f"{req.grid.community.name}{req.grid.name}",
        "address_id": req.household.public_token if in_scope and req.household_id else None,
        "zipcode": None,
        "lat": req.building.lat if req.building_id else None,
        "long": req.building.lon if req.building_id else None,
        "media_url": req.media_url or None,
    }


@endpoint("GET")
def discovery(request, fmt="json"):
    url = request.build_absolute_uri(reverse("open311-discovery")).removesuffix("discovery")
    body = {
        "changeset": CHANGESET,
        "contact": _("The district organization department (区委组织部), through the back office."),
        "key_service": _("Keys are issued by the district organization department: Open311 partners in the back office."),
        "endpoints": [{"specification": SPECIFICATION, "url": url, "changeset": CHANGESET, "type": "production", "formats": list(FORMATS.values())}],
    }
    return _render(fmt, "discovery", body)


@endpoint("GET")
def service_list(request, fmt="json"):
    categories = (
        Category.objects.filter(active=True)
        .select_related("parent")
        .annotate(metadata=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk"))))
        .order_by("parent__sort_order", "sort_order", "id")
    )
    rows = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": str(c),
            "metadata": c.metadata,
            "type": "realtime",
            "keywords": "",
            "group": c.parent.name if c.parent else c.name,
        }
        for c in categories
    ]
    return _render(fmt, "services", rows)


def _attribute_row(attribute: ServiceAttribute) -> dict:
    lists = attribute.datatype in ServiceAttribute.LISTS
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": _("Send the key of a value.") if lists else None,
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": key, "name": name} for key, name in attribute.choices()] if lists else [],
    }


@endpoint("GET")
def service_definition(request, code, fmt="json"):
    category = Category.objects.filter(code=code, active=True).prefetch_related("attributes").first()
    if category is None:
        return _error(fmt, 404, _("No service has this service_code."))
    return _render(fmt, "service_definition", {"service_code": category.code, "attributes": [_attribute_row(a) for a in category.attributes.all()]})


class BadParameter(ValueError):
    """A query parameter Open311 cannot use: a 400 saying what to send."""


def _positive_int(params, name: str, default: int, *, most: int) -> int:
    """ASCII digits only: str.isdigit() accepts "²", which int() refuses."""
    value = params.get(name, "")
    if value == "":
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value) or not 1 <= int(value) <= most:
        raise BadParameter(_("%(name)s must be a whole number from 1 to %(most)d.") % {"name": name, "most": most})
    return int(value)


def _moment(params, name: str) -> dt.datetime | None:
    if not params.get(name):
        return None
    moment = parse_w3c_datetime(params[name])
    if moment is None:
        raise BadParameter(_("%(name)s must be a W3C datetime from the year 2000 to 2100, like 2026-05-01T08:00:00+08:00.") % {"name": name})
    return moment


def _codes(params, name: str, pattern: str, *, most: int) -> list[str]:
    """A comma-separated list (codes, ids, statuses), each checked: a junk value is a 400, never an empty answer."""
    values = [value.strip() for value in params.get(name, "").split(",") if value.strip()]
    if len(values) > most or not all(re.fullmatch(pattern, value) for value in values):
        raise BadParameter(_("%(name)s must be at most %(most)d values separated by commas.") % {"name": name, "most": most})
    return values


def _window(params) -> tuple[dt.datetime, dt.datetime]:
    """The requested_datetime window: at most 90 days; one end given, the other is 90 days away; none, the last 90 days."""
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start and end:
        if end < start:
            raise BadParameter(_("end_date is before start_date."))
        if end - start > WINDOW:
            raise BadParameter(_("start_date and end_date may be at most 90 days apart; ask for several windows."))
        return start, end
    if start:
        return start, start + WINDOW
    end = end or timezone.now()
    return end - WINDOW, end


def _page_links(request, page) -> str:
    def link(number: int, rel: str) -> str:
        query = urlencode({**request.GET.dict(), "page": number})
        return f'<{request.build_absolute_uri(request.path)}?{query}>; rel="{rel}"'

    links = [link(page.next_page_number(), "next")] if page.has_next() else []
    links += [link(page.previous_page_number(), "prev")] if page.has_previous() else []
    return ", ".join(links)


def _in_scope_check(request):
    """Who may read a request's non-public fields: staff in scope, and the partner that sent it (by its api_key)."""
    user = _caller(request)
    scope = scope_for(user, Capability.VIEW_REQUESTS) if user is not None else None
    partner = open311_partner_by_key(request.GET["api_key"]) if request.GET.get("api_key") else None

    def in_scope(req: ResidentRequest) -> bool:
        return (scope is not None and scope.contains(req.ancestry())) or (partner is not None and req.partner_id == partner.pk)

    return in_scope, partner


@endpoint("GET", "POST")
def requests_collection(request, fmt="json"):
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    try:
        size = _positive_int(params, "page_size", PAGE_SIZE, most=MAX_PAGE_SIZE)
        number = _positive_int(params, "page", 1, most=999_999_999)
        ids = _codes(params, "service_request_id", r"[0-9A-Za-z]{1,12}", most=MAX_IDS)
        services = _codes(params, "service_code", r"[0-9A-Za-z_-]{1,40}", most=MAX_IDS)
        statuses = set(_codes(params, "status", r"open|closed", most=2))
        start, end = _window(params)
    except BadParameter as exc:
        return _error(fmt, 400, str(exc))
    in_scope, partner = _in_scope_check(request)
    if params.get("api_key") and partner is None:
        return _error(fmt, 403, _("This api_key is not valid."))
    qs = open311_requests().exclude(status=Status.MERGED)
    if ids:
        # The spec: service_request_id overrides every other filter.
        qs = qs.filter(public_id__in=[value.upper() for value in ids])
    else:
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        if services:
            qs = qs.filter(Q(category__code__in=services) | Q(category__parent__code__in=services))
        if statuses == {"closed"}:
            qs = qs.filter(status__in=ENDED)
        elif statuses == {"open"}:
            qs = qs.exclude(status__in=ENDED)
    paginator = Paginator(qs.order_by("-created_at", "-id"), size)
    try:
        page = paginator.page(number)
        rows = [_request_row(req, in_scope(req)) for req in page]
    except EmptyPage:
        page, rows = None, []
    response = _render(fmt, "service_requests", rows)
    response["X-Total-Count"] = str(paginator.count)
    if page is not None and (links := _page_links(request, page)):
        response["Link"] = links
    return response


@endpoint("GET")
def request_item(request, code, fmt="json"):
    in_scope, partner = _in_scope_check(request)
    if request.GET.get("api_key") and partner is None:
        return _error(fmt, 403, _("This api_key is not valid."))
    req = open311_requests().filter(public_id=code.strip().upper()).first() if re.fullmatch(r"[0-9A-Za-z]{1,12}", code) else None
    if req is None:
        return _error(fmt, 404, _("No request has this service_request_id."))
    return _render(fmt, "service_requests", [_request_row(req, in_scope(req))])


def _form_errors(form) -> list[str]:
    return [f"{name}: {message}" if name != "__all__" else message for name, messages in form.errors.items() for message in messages]


def _create(request, fmt: str):
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _error(fmt, 400, _("Post the fields as application/x-www-form-urlencoded, as the Open311 specification says."))
    partner = open311_partner_by_key(request.POST.get("api_key", ""))
    if partner is None:
        return _error(fmt, 403, _("A valid api_key is required to post requests; the district issues keys to partners."))
    origin = request.headers.get("Origin", "")
    # A key that did not ask for browser use is refused from web pages: a key copied into a page elsewhere is useless there.
    if origin and origin.lower() not in partner.origins():
        return _error(fmt, 403, _("This api_key may not be used from web pages at %(origin)s.") % {"origin": origin})
    if over_limit(f"open311:partner:{partner.pk}", partner.hourly_limit):
        response = _error(fmt, 429, _("This api_key sent more than %(limit)d requests this hour; try later.") % {"limit": partner.hourly_limit})
        response["Retry-After"] = "3600"
        return response
    form = Open311RequestForm(request.POST)
    if not form.is_valid():
        return _error(fmt, 400, *_form_errors(form))
    data = form.cleaned_data
    category, place = data["service_code"], data["place"]
    allowed = set(partner.services.all())
    if allowed and category not in allowed and category.parent not in allowed:
        return _error(fmt, 403, _("This api_key may not post to the service %(code)s.") % {"code": category.code})
    try:
        created = request_submit(
            source=ResidentRequest.Source.OPEN311,
            category=category,
            description=data["description"],
            grid=place.grid,
            building=place.building,
            household=place.household,
            reporter_name=" ".join(filter(None, [data["last_name"], data["first_name"]])),
            phone=data["phone"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            caller=f"open311:partner:{partner.pk}",
            partner=partner,
            media_url=data["media_url"],
            email=data["email"],
            attributes=data["attributes"],
        )
    except IdempotencyConflict as exc:
        return _error(fmt, 409, *exc.messages)
    except ValidationError as exc:
        return _error(fmt, 400, *exc.messages)
    notice = _("Give the resident the tracking code %(code)s: with it they follow and rate the handling at %(url)s") % {
        "code": created.tracking_code,
        "url": request.build_absolute_uri(reverse("public-track", args=[created.tracking_code])),
    }
    response = _render(fmt, "service_requests", [{"service_request_id": created.public_id, "service_notice": notice, "account_id": None}], status=201)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


@csrf_exempt
@login_not_required
def unknown(request, rest=""):
    """Any other path under /open311/: the errors format, in XML when the path asks for it."""
    return _allow_any_origin(
        _error("xml" if request.path.endswith(".xml") else "json", 404, _("No such Open311 resource; start at /open311/v2/discovery.json."))
    )


def with_formats(route: str, view, name: str):
    """Each resource answers with and without a format suffix (.json, .xml)."""
    return [path(f"{route}.<str:fmt>", view, name=f"{name}-fmt"), path(route, view, name=name)]


def catch_all():
    return re_path(r"^open311/(?P<rest>.*)$", unknown, name="open311-unknown")
