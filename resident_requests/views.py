"""Pages of the request loop: queue, board, intake, the request page with its actions, and the public side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, When
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.params import degrees
from governance.forms import KeptPhotosWidget, PlaceFilterForm, form_add_service_errors, held_choices
from governance.held_photos import photo_hold, photos_held, photos_release
from governance.models import Community, Membership, ResidentUnit
from governance.public_forms import public_post_allowed
from governance.roles import ROLE_CAPABILITIES, Capability, Role
from governance.scope import get_in_scope_or_404, scope_for
from grids.models import Grid
from grids.places import OutsideDistrict, place_locate
from households import selectors as ledger
from households.models import Visit
from resident_requests import selectors
from resident_requests.actions import ACTIONS, PUBLIC_BY_NATURE, action_perform, available_actions
from resident_requests.forms import IntakeForm, PublicRequestForm, RatingForm, building_choices
from resident_requests.lifecycle import RequestAction, Status, TimelineAction
from resident_requests.models import Category, ResidentRequest
from resident_requests.services.intake import request_report_handled, request_submit
from resident_requests.services.notices import people_to_act
from resident_requests.services.workflow import request_follow_up
from volunteers.models import ReviewStatus, Skill, Volunteer

PAGE_SIZE = 30
# Sources where staff file on a resident's behalf: the resident learns the tracking code from them.
RESIDENT_NOT_PRESENT = (ResidentRequest.Source.HOTLINE, ResidentRequest.Source.VISIT)


def queue(request):
    page = Paginator(selectors.as_rows(selectors.my_queue(request.user)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resident_requests/queue.html", {"page": page, "now": timezone.now(), "title": _("My requests")})


def board(request):
    if scope_for(request.user, Capability.DISPATCH_REQUESTS).is_empty:
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status and status not in Status.values:
        status = ""
    category = request.GET.get("category", "")
    places = PlaceFilterForm(request.GET, user=request.user, capability=Capability.DISPATCH_REQUESTS)
    # A place outside the user's area is a form error over an empty board, never the whole board.
    requests = (
        selectors.as_rows(
            selectors.dispatch_board(request.user, status=status, category=int(category) if category.isdecimal() else None, **places.place_filters())
        )
        if places.is_valid()
        else []
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = [(value, Status(value).label) for value in (Status.SUBMITTED, Status.ACCEPTED, Status.HANDLED, Status.VERIFIED, Status.ANSWERED)]
    filters = {"categories": Category.objects.filter(parent__isnull=True, active=True).order_by("sort_order"), "category": category, "places": places}
    return render(request, "resident_requests/board.html", {"page": page, "now": timezone.now(), "statuses": statuses, "status": status, **filters})


def overdue(request):
    now = timezone.now()
    page = Paginator(selectors.overdue_for(request.user, now).values(*selectors.OVERDUE_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resident_requests/overdue.html", {"page": page, "rows": selectors.overdue_rows(page, now=now)})


def _intake_sources(user) -> list[str]:
    sources = []
    if not scope_for(user, Capability.DISPATCH_REQUESTS).is_empty:
        sources.append(ResidentRequest.Source.HOTLINE)
    if not scope_for(user, Capability.HANDLE_REQUESTS).is_empty:
        sources.append(ResidentRequest.Source.PATROL)
    if user.memberships.filter(role=Role.VOLUNTEER).exists():
        sources.append(ResidentRequest.Source.VOLUNTEER)
    return sources


def _intake_grids(user, sources):
    """Where the user may report: their handling area, or for a volunteer their community."""
    capability = Capability.HANDLE_REQUESTS if sources != [ResidentRequest.Source.VOLUNTEER] else Capability.VIEW_HIERARCHY
    return Grid.objects.visible_to(user, capability).select_related("community")


def intake(request):
    sources = _intake_sources(request.user)
    if not sources:
        raise PermissionDenied
    grids = _intake_grids(request.user, sources)[:500]
    visit = None
    initial = {}
    if request.GET.get("visit", "").isdecimal():
        visit = ledger_visit_for(request.user, int(request.GET["visit"]))
        initial = {"description": visit.needs, "grid": visit.grid_id, "building": visit.household.building_id, "source": ResidentRequest.Source.VISIT}
        sources = [ResidentRequest.Source.VISIT]
    form = IntakeForm(request.POST or None, request.FILES or None, request=request, grids=grids, sources=sources, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grid = _intake_grids(request.user, sources).get(pk=data["grid"])
            building = grid.buildings.filter(pk=data["building"]).first() if data["building"] else None
            report = {
                "actor": request.user,
                "category": data["category"],
                "urgency": data["urgency"],
                "description": data["description"],
                "grid": grid,
                "building": building,
                "household": visit.household if visit else None,
                "visit": visit,
                "reporter_name": data["reporter_name"],
                "phone": data["phone"],
                "anonymous": data["anonymous"],
                "photos": data["photos"],
            }
            if data.get("handled_on_spot"):
                created = request_report_handled(result_note=data["result_note"], result_photos=data["result_photos"], **report)
            else:
                created = request_submit(source=data["source"], **report)
        except Grid.DoesNotExist:
            form.add_error("grid", _("Choose a grid of your area."))
        except PermissionDenied as exc:
            form.add_error("handled_on_spot", str(exc))
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            form.photos_release()
            if created.source in RESIDENT_NOT_PRESENT:
                # The resident is on the phone or was visited: the cadre reads them their tracking code, once.
                messages.success(
                    request,
                    _("Request %(number)s registered. Tell the resident the tracking code %(code)s: with it they follow and rate the handling.")
                    % {"number": created.public_id, "code": created.tracking_code},
                )
            else:
                messages.success(request, _("Request %(code)s registered.") % {"code": created.public_id})
            if scope_for(request.user, Capability.VIEW_REQUESTS).contains(created.ancestry()):
                return redirect("request-detail", pk=created.pk)
            # A volunteer follows the report like a resident does.
            return redirect("public-track", code=created.tracking_code)
    return render(request, "resident_requests/intake.html", {"form": form, "visit": visit})


@require_GET
def intake_buildings(request):
    """The buildings of one grid the user may report in, for the intake form's building list."""
    grid = request.GET.get("grid", "")
    if not grid.isdecimal():
        raise Http404
    return _buildings_json(get_in_scope_or_404(_intake_grids(request.user, _intake_sources(request.user)), pk=int(grid)))


@require_GET
def intake_locate(request):
    """The grid and nearest building where the reporter stands (WGS84 from the phone), among the grids they may report in.

    Only a suggestion for the form: nothing is stored, and a point outside those grids says so and chooses nothing.
    """
    lon, lat = degrees(request.GET.get("lon", ""), limit=180), degrees(request.GET.get("lat", ""), limit=90)
    if lon is None or lat is None:
        return JsonResponse({"message": _("The position could not be read.")}, status=400)
    sources = _intake_sources(request.user)
    if not sources:
        raise PermissionDenied
    grids = _intake_grids(request.user, sources)
    try:
        match = place_locate(lon=lon, lat=lat, user=request.user)
    except OutsideDistrict as exc:
        return JsonResponse({"message": exc.messages[0]}, status=400)
    if not grids.filter(pk=match.grid.pk).exists():
        return JsonResponse({"message": _("This place is in none of the grids of your area.")}, status=400)
    if match.building is None:
        message = _("Located: %(grid)s") % {"grid": match.grid.name}
    else:
        message = _("Located: %(grid)s, nearest %(building)s (about %(distance)d m)") % {
            "grid": match.grid.name,
            "building": match.building.name,
            "distance": round(match.distance_m),
        }
    return JsonResponse({"grid": match.grid.pk, "building": match.building.pk if match.building else None, "message": message})


@login_not_required
@require_GET
def public_community_buildings(request, code):
    """The buildings of one of the community's grids, for the resident's form behind the community's link."""
    grid = request.GET.get("grid", "")
    if not grid.isdecimal():
        raise Http404
    return _buildings_json(get_in_scope_or_404(Grid.objects.filter(community__code=code), pk=int(grid)))


def _buildings_json(grid) -> JsonResponse:
    return JsonResponse({"buildings": [{"id": value, "label": str(label)} for value, label in building_choices(grid.pk)]})


def ledger_visit_for(user, pk: int):
    visit = Visit.objects.visible_to(user, Capability.EDIT_LEDGER).select_related("household__building").filter(pk=pk).first()
    if visit is None:
        raise Http404
    if hasattr(visit, "request"):
        raise PermissionDenied(_("This visit's need is already a request."))
    return visit


ONE_CLICK = {RequestAction.ACCEPT, RequestAction.TAKE}
OFFLINE_ACTIONS = {RequestAction.TAKE, RequestAction.PROGRESS, RequestAction.HANDLE}
# The cadres' steps, which the community's secretary and cadres share on one board.
CADRE_ACTIONS = {RequestAction.ACCEPT, RequestAction.DISPATCH, RequestAction.VERIFY, RequestAction.ANSWER, RequestAction.FOLLOW_UP}
# The steps two people may race for (a phone's queued step arriving late, two cadres on one board): the loser is told who won.
RACED_ACTIONS = {*CADRE_ACTIONS, *OFFLINE_ACTIONS}


def detail(request, pk, *, error=None, posted=None, kept=()):
    req = selectors.request_get_for(request.user, pk)
    timeline = req.timeline.select_related("actor")
    duplicates = selectors.possible_duplicates(request.user, req).select_related("category")[:10] if req.status == Status.SUBMITTED else []
    actions = available_actions(req, request.user)
    handlers, units, street_units, volunteer_handlers = [], [], [], []
    if "dispatch" in actions:
        volunteer_handlers = list(_volunteers_by_skill(req))
        handlers = _handler_groups(req, volunteer_handlers)
        units = req.grid.community.resident_units.all()
    if "alliance" in actions:
        street_units = ResidentUnit.objects.filter(community__street_id=req.grid.street_id).order_by("name")
    visits = ledger.visits_of(request.user, req.household)[:5] if req.household_id else []
    context = {
        "req": req,
        "acting": people_to_act(req)[:6],
        "timeline": timeline,
        "photos": req.photos.all(),
        "answers": selectors.attribute_answers(req),
        "duplicates": duplicates,
        # Each action's form shows the fields its input serializer takes (the API takes the same).
        "actions": [(name, RequestAction(name).label, set(ACTIONS[name].input().fields)) for name in actions],
        # 受理 and 接单 need nothing but the decision: one tap each, above the actions that take a form.
        "one_click": [(name, RequestAction(name).label) for name in actions if name in ONE_CLICK],
        "one_click_names": ONE_CLICK,
        # The steps a grid worker may record without a network; the phone queues them (static/js/offline.js).
        "offline_actions": OFFLINE_ACTIONS,
        "handlers": handlers,
        "units": units,
        "volunteer_handlers": volunteer_handlers,
        "skill_labels": dict(Skill.choices),
        "street_units": street_units,
        "today": timezone.localdate(),
        "visits": visits,
        "now": timezone.now(),
        "ratings": ResidentRequest.Rating.choices,
        "public_by_nature": PUBLIC_BY_NATURE,
        # Only the cadre who filed a phone or visit case for the resident may read the code out again.
        "show_tracking_code": req.created_by_id == request.user.pk and req.source in RESIDENT_NOT_PRESENT,
        "error": error,
        "posted": posted or {},
        "kept": KeptPhotosWidget(choices=held_choices(kept)).render("photos_kept", [photo.token for photo in kept]) if kept else "",
    }
    return render(request, "resident_requests/detail.html", context, status=400 if error else 200)


def _handler_memberships(req):
    handling_roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.HANDLE_REQUESTS in caps]
    grid = req.grid
    return Membership.objects.filter(Q(grid_id=grid.pk) | Q(community_id=grid.community_id) | Q(street_id=grid.street_id), role__in=handling_roles)


def _handler_groups(req, volunteers) -> list[tuple[str, list[tuple]]]:
    """派单 choices grouped by role, the request's own grid first, each person with their place and open load (在办)."""
    memberships = list(_handler_memberships(req).select_related("user", "grid", "community", "street").order_by("user__full_name")[:100])
    people = {m.user_id for m in memberships} | {v.user_id for v in volunteers}
    load = dict(
        ResidentRequest.objects.filter(handler_id__in=people, status__in=[Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS])
        .values_list("handler_id")
        .annotate(n=Count("pk"))
    )
    for volunteer in volunteers:
        volunteer.load = load.get(volunteer.user_id, 0)
    groups = {_("Workers of this grid"): [], _("Community cadres"): [], _("Street cadres"): []}
    labels = list(groups)
    for m in memberships:
        label = labels[0] if m.grid_id == req.grid_id else labels[1] if m.community_id else labels[2]
        groups[label].append((m.user, m.node, load.get(m.user_id, 0)))
    return [(label, people) for label, people in groups.items() if people]


def _volunteers_by_skill(req):
    """The community's confirmed volunteers with an account, those of the request's grid first (党员接单)."""
    first = Case(When(grid_id=req.grid_id, then=0), default=1, output_field=IntegerField())
    return (
        Volunteer.objects.filter(community_id=req.grid.community_id, status=ReviewStatus.CONFIRMED, user__isnull=False)
        .annotate(first=first)
        .order_by("first", "name")
        .select_related("user")[:100]
    )


@require_POST
def act(request, pk, action):
    req = selectors.request_get_for(request.user, pk)
    if action not in available_actions(req, request.user):
        return _not_available(request, req, action)
    kept = photos_held(request=request, tokens=request.POST.getlist("photos_kept"))
    data = request.POST.copy()
    data.setlist("photos", [*request.FILES.getlist("photos"), *(photo.image for photo in kept)])
    try:
        action_perform(req, actor=request.user, action=action, data=data)
    except ValidationError as exc:
        problems = [message for messages_ in getattr(exc, "message_dict", {"": exc.messages}).values() for message in messages_]
        # The photos chosen are kept for the next try, like on every form with photos.
        for upload in request.FILES.getlist("photos"):
            try:
                kept.append(photo_hold(request=request, upload=upload))
            except ValidationError as bad:
                problems.extend(bad.messages)
        return detail(request, pk, error=" ".join(problems), posted={"action": action, **request.POST.dict()}, kept=kept)
    photos_release(request=request, photos=kept)
    messages.success(request, _("Done: %(action)s.") % {"action": RequestAction(action).label})
    return redirect("request-detail", pk=req.pk)


def _not_available(request, req, action):
    """Someone moved the request first (a phone's queued step arrives late, another cadre, the same account on another
    device): say who, when and where it stands (409)."""
    if action not in RACED_ACTIONS:
        raise PermissionDenied
    # Only someone whose role does this step can have been beaten to it; anyone else is simply refused.
    capability = Capability.DISPATCH_REQUESTS if action in CADRE_ACTIONS else Capability.HANDLE_REQUESTS
    if not scope_for(request.user, capability).contains(req.ancestry()) and req.handler_id != request.user.pk:
        raise PermissionDenied
    # The step may have been done by the same account on another device (the desk and the phone): then it says "you".
    last = req.timeline.exclude(action=TimelineAction.SUBMIT).select_related("actor").order_by("-at", "-pk").first()
    if last is None:
        raise PermissionDenied
    named = (last.actor.full_name or last.actor.username) if last.actor else _("the system")
    who = _("you") if last.actor_id == request.user.pk else named
    text = _("Not done: %(who)s already did “%(what)s” at %(time)s; the request is now “%(status)s”.") % {
        "who": who,
        "what": last.get_action_display(),
        "time": timezone.localtime(last.at).strftime("%m-%d %H:%M"),
        "status": req.get_status_display(),
    }
    response = detail(request, req.pk, error=text, posted={"action": action, **request.POST.dict()})
    response.status_code = 409
    return response


@login_not_required
def public_form(request, token):
    """The resident's form behind the heart-link card: the household is known from the card's code."""
    household = ledger.household_by_token(token)
    if household is None:
        raise Http404
    return _public_form(request, grid=household.grid, community=household.grid.community, household=household)


@login_not_required
def public_community_form(request, code):
    """The community's own link (posters, WeChat groups): the resident picks the grid, and the building if known."""
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise Http404
    return _public_form(request, grid=None, community=community, household=None)


def _public_form(request, *, grid, community, household):
    form = PublicRequestForm(request.POST or None, request.FILES or None, request=request, community=None if household else community)
    if request.method == "POST":
        address = request.META.get("REMOTE_ADDR", "")
        if form.is_valid():
            data = form.cleaned_data
            if public_post_allowed(request, form, kind="request", phone=data["phone"]):
                target_grid = grid or community.grids.get(pk=data["grid"])
                building = household.building if household else (target_grid.buildings.filter(pk=data["building"]).first() if data.get("building") else None)
                try:
                    created = request_submit(
                        source=ResidentRequest.Source.PUBLIC_FORM,
                        category=data["category"],
                        description=data["description"],
                        grid=target_grid,
                        building=building,
                        household=household,
                        reporter_name=data["reporter_name"],
                        phone=data["phone"],
                        anonymous=data["anonymous"],
                        idempotency_key=request.headers.get("Idempotency-Key", ""),
                        caller=f"public:{address}",
                        photos=data["photos"],
                    )
                except ValidationError as exc:
                    form_add_service_errors(form, exc)
                else:
                    form.photos_release()
                    return redirect("public-track", code=created.tracking_code)
    return render(request, "resident_requests/public_form.html", {"form": form, "grid": grid, "community": community})


@login_not_required
def public_track(request, code):
    """The resident's status page: plain-language steps, the notes marked for the resident and the photos; rating once per answer."""
    public = selectors.request_public_status(code)
    if public is None:
        return render(request, "resident_requests/public_track.html", {"req": None, "code": code}, status=404)
    req = public["req"]
    form = RatingForm(request.POST) if request.method == "POST" else RatingForm() if req.status == Status.ANSWERED else None
    if request.method == "POST" and form.is_valid():
        try:
            # The service refuses a second rating of the same answer, whatever the form showed.
            request_follow_up(resident_request=req, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("public-track", code=req.tracking_code)
    return render(request, "resident_requests/public_track.html", {**public, "form": form}, status=400 if form is not None and form.errors else 200)
