"""Volunteer pages: the volunteer's own page on the phone, activities with on-site check-in, and the community's desk.

Each action validates its input with its form from volunteers/forms.py (the API uses the same one), reads through
volunteers/selectors.py (out of scope answers 404) and writes through volunteers/services.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import previous_half_year, previous_year
from core.files import file_response
from core.params import query_year
from core.qr import public_url, qr_svg
from governance.forms import form_add_service_errors
from governance.public_forms import HONEYPOT, public_post_allowed
from households.selectors import household_by_token
from volunteers import actions, forms, selectors, services
from volunteers.models import ReviewStatus, Signup
from volunteers.permissions import can_manage_volunteers, manages_volunteers


def _act(request, form, perform) -> bool:
    """Validate the action's form and apply it; invalid input and a service's refusal become the page's error message.

    True when it went through. `form` is None for an action that takes no input; `perform` gets the cleaned data.
    """
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return False
    try:
        perform(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    return True


def _submitted(request, form, perform):
    """A page's own form posted and applied: the service's result, or None when invalid or refused (the errors are on the form)."""
    if request.method != "POST" or form is None or not form.is_valid():
        return None
    try:
        return perform(form.cleaned_data)
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return None


def me(request):
    """The volunteer's own page: hours this year, points, upcoming activities, linked households."""
    profile = selectors.profile_of(request.user)
    if profile is None:
        return _register(request)
    context = {
        "profile": profile,
        "summary": selectors.volunteer_summary(profile),
        "history": Paginator(selectors.points_entries_of(profile), 20).get_page(request.GET.get("page")),
        "signups": selectors.signups_upcoming_of(profile)[:10],
        "open_activities": selectors.activities_open_for(request.user)[:10],
        # Linked households as the ledger shows them to a volunteer: address only, no names, no phones.
        "links": selectors.links_of(profile),
    }
    return render(request, "volunteers/me.html", context)


def _register(request):
    community = selectors.community_to_register_with(request.user)
    if community is None:
        raise PermissionDenied(_("Ask your community to register you as a volunteer."))
    form = forms.RegisterForm(request.POST or None, initial={"name": request.user.full_name, "phone": request.user.phone})
    if _submitted(request, form, lambda data: services.volunteer_register(actor=request.user, community=community, user=request.user, **data)):
        messages.success(request, _("Registered; the community will confirm you and place you in a grid."))
        return redirect("volunteer-me")
    return render(request, "volunteers/register.html", {"form": form, "community": community})


def activities(request):
    form = forms.ActivityForm(request.POST or None, user=request.user) if manages_volunteers(request.user) else None
    activity = _submitted(request, form, lambda data: services.activity_publish(actor=request.user, **data))
    if activity is not None:
        return redirect("volunteer-activity", pk=activity.pk)
    page = Paginator(selectors.activity_list_for(request.user).order_by("-starts_at"), 20).get_page(request.GET.get("page"))
    return render(request, "volunteers/activities.html", {"page": page, "form": form, "now": timezone.now()})


def activity(request, pk):
    act = selectors.activity_get_for(request.user, pk)
    manager = can_manage_volunteers(request.user, act.ancestry())
    context = {
        "activity": act,
        "mine": selectors.signup_of(selectors.profile_of(request.user), act),
        "manager": manager,
        "signups": selectors.signups_of_activity(act) if manager else [],
        "now": timezone.now(),
    }
    return render(request, "volunteers/activity.html", context)


def _profile_or_403(request):
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    return profile


@require_POST
def activity_signup(request, pk):
    act = selectors.activity_get_for(request.user, pk)
    profile = _profile_or_403(request)
    if request.POST.get("cancel"):
        if _act(request, None, lambda _data: services.signup_cancel(volunteer=profile, activity=act)):
            messages.success(request, _("Your sign-up is cancelled."))
    elif _act(request, None, lambda _data: services.signup_create(volunteer=profile, activity=act)):
        messages.success(request, _("You are signed up."))
    return redirect("volunteer-activity", pk=act.pk)


def activity_code(request, pk):
    """The organiser's screen: the rotating QR code volunteers scan to check in and out."""
    act = selectors.activity_get_for(request.user, pk)
    if not can_manage_volunteers(request.user, act.ancestry()):
        raise PermissionDenied
    url = public_url(request, reverse("volunteer-scan", args=[act.pk, services.checkin_code(act)]))
    return render(request, "volunteers/code.html", {"activity": act, "qr": qr_svg(url, box_size=10), "refresh": services.code_seconds_left()})


def activity_scan(request, pk, code):
    """The address in the on-site QR code: the volunteer's phone opens it and confirms with one tap (a POST)."""
    act = selectors.activity_get_for(request.user, pk)
    profile = _profile_or_403(request)
    if request.method != "POST":
        return render(request, "volunteers/scan.html", {"activity": act, "mine": selectors.signup_of(profile, act)})
    try:
        signup = services.signup_scan(volunteer=profile, activity=act, code=code)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Checked in.") if signup.status == Signup.Status.CHECKED_IN else _("Checked out; the organiser will confirm your hours."))
    return redirect("volunteer-activity", pk=act.pk)


@require_POST
def signup_confirm(request, pk):
    signup = selectors.signup_get_for(request.user, pk)
    try:
        entry = services.signup_confirm(actor=request.user, signup=signup)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(hours)s hours and %(points)s points recorded for %(name)s.") % {"hours": entry.hours, "points": entry.points, "name": signup.volunteer.name},
        )
    return redirect("volunteer-activity", pk=signup.activity_id)


@require_POST
def signup_mark(request, pk):
    signup = selectors.signup_get_for(request.user, pk)
    _act(request, None, lambda _data: services.signup_mark(actor=request.user, signup=signup))
    return redirect("volunteer-activity", pk=signup.activity_id)


def desk(request):
    """The community's desk: registrations to confirm, members and their 1+10 links."""
    if not manages_volunteers(request.user):
        raise PermissionDenied
    form = forms.DeskRegisterForm(request.POST or None, user=request.user)
    volunteer = _submitted(request, form, lambda data: services.volunteer_register(actor=request.user, **data))
    if volunteer is not None:
        return redirect("volunteer-detail", pk=volunteer.pk)
    page = Paginator(selectors.volunteer_list_for(request.user).order_by("status", "name"), 30).get_page(request.GET.get("page"))
    return render(request, "volunteers/desk.html", {"page": page, "form": form})


def volunteer_detail(request, pk):
    volunteer = selectors.volunteer_get_for(request.user, pk)
    if request.method == "POST":
        if "confirm" in request.POST:
            form = forms.VolunteerConfirmForm(request.POST, volunteer=volunteer)
            done = _act(request, form, lambda data: services.volunteer_confirm(actor=request.user, volunteer=volunteer, grid=data["grid"]))
        elif "link" in request.POST:
            form = forms.LinksForm(request.POST, volunteer=volunteer)
            done = _act(request, form, lambda data: services.links_set(actor=request.user, volunteer=volunteer, households=data["households"]))
        else:
            done = True
        if done:
            messages.success(request, _("Saved."))
        return redirect("volunteer-detail", pk=volunteer.pk)
    context = {
        "volunteer": volunteer,
        "grids": selectors.grids_of(volunteer),
        "links": selectors.links_of(volunteer),
        "proposal": selectors.links_propose(volunteer) if volunteer.status == ReviewStatus.CONFIRMED else [],
        "summary": selectors.volunteer_summary(volunteer),
        "entries": selectors.points_entries_of(volunteer)[:30],
    }
    return render(request, "volunteers/volunteer.html", context)


def gifts(request):
    """Volunteers redeem points for gifts of the community's alliance merchants; cadres list gifts and record hand-overs."""
    profile = selectors.profile_of(request.user)
    form = None
    if manages_volunteers(request.user):
        form = forms.GiftForm(request.POST or None, user=request.user)
        if _submitted(request, form, lambda data: services.gift_list(actor=request.user, **data)):
            messages.success(request, _("Saved."))
            return redirect("volunteer-gifts")
        redemptions = selectors.redemptions_waiting_for(request.user)[:100]
    elif profile is not None and profile.status == ReviewStatus.CONFIRMED:
        redemptions = selectors.redemptions_waiting_for(request.user)[:20]
    else:
        raise PermissionDenied
    page = Paginator(selectors.gift_list_for(request.user).order_by("points", "id"), 30).get_page(request.GET.get("page"))
    # Not "waiting": that name is the menu's count of requests waiting (resident_requests.context_processors).
    context = {"page": page, "form": form, "redemptions": redemptions, "profile": profile, "balance": selectors.points_balance(profile) if profile else None}
    return render(request, "volunteers/gifts.html", context)


@require_POST
def gift_redeem(request, pk):
    profile = _profile_or_403(request)
    gift = selectors.gift_get_for_redemption(request.user, pk)
    if _act(request, None, lambda _data: services.gift_redeem(volunteer=profile, gift=gift)):
        messages.success(request, _("Redeemed: collect it at %(merchant)s.") % {"merchant": gift.merchant.name})
    return redirect("volunteer-gifts")


@require_POST
def redemption_hand_over(request, pk):
    redemption = selectors.redemption_get_for(request.user, pk)
    _act(request, None, lambda _data: services.redemption_hand_over(actor=request.user, redemption=redemption))
    return redirect("volunteer-gifts")


def wishes(request):
    """Volunteers: published wishes of their community (names masked) and their own claims. Cadres: the review desk."""
    profile = selectors.profile_of(request.user)
    manager = manages_volunteers(request.user)
    if not manager and (profile is None or profile.status != ReviewStatus.CONFIRMED):
        raise PermissionDenied
    form = forms.CadreWishForm(request.POST or None, user=request.user) if manager else None
    if _submitted(request, form, lambda data: services.wish_post(actor=request.user, **data)):
        return redirect("volunteer-wishes")
    qs = selectors.wish_list_for(request.user).select_related("claimed_by", "claimed_unit").order_by("status", "-created_at")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    units = selectors.resident_units_for(request.user) if manager else []
    return render(request, "volunteers/wishes.html", {"page": page, "manager": manager, "profile": profile, "form": form, "units": units})


@require_POST
def wish_act(request, pk, action):
    if action not in actions.WISH_FORMS:
        raise PermissionDenied
    wish = selectors.wish_get_for(request.user, pk)
    form = actions.wish_form(action, request.user, request.POST, request.FILES)
    if _act(request, form, lambda data: actions.wish_action(request.user, wish, action, data)):
        messages.success(request, _("Saved."))
    return redirect("volunteer-wishes")


@login_not_required
def public_wish(request, token):
    """A resident posts a small wish from the heart-link card."""
    household = household_by_token(token)
    if household is None:
        raise Http404
    form = forms.PublicWishForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and public_post_allowed(request, form, kind="wish"):
        data = {name: value for name, value in form.cleaned_data.items() if name != HONEYPOT}
        try:
            wish = services.wish_post(community=household.grid.community, household=household, **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("public-wish-status", code=wish.code)
    return render(request, "volunteers/public_wish.html", {"form": form, "community": household.grid.community})


def wish_photo(request, pk):
    """The fulfilment photo, for whoever sees the wish in their list."""
    return file_response(selectors.wish_get_for(request.user, pk).photo)


@login_not_required
def public_wish_photo(request, code):
    """The resident, holding the wish's code, sees how it was fulfilled."""
    return file_response(selectors.wish_by_code(code, "photo").photo)


@login_not_required
def public_wish_status(request, code):
    """The resident follows the wish and confirms it came true; no volunteer's personal data is shown."""
    wish = selectors.wish_by_code(code)
    if request.method == "POST" and wish.status == wish.Status.FULFILLED:
        _act(request, None, lambda _data: services.wish_confirm(wish=wish))
        return redirect("public-wish-status", code=wish.code)
    return render(request, "volunteers/public_wish_status.html", {"wish": wish})


def posts(request):
    """Service posts (认领岗位): members claim and release; the community publishes, confirms and records duty."""
    profile = selectors.profile_of(request.user)
    form = None
    if manages_volunteers(request.user):
        form = forms.PostForm(request.POST or None, user=request.user)
        if _submitted(request, form, lambda data: services.post_publish(actor=request.user, **data)):
            return redirect("volunteer-posts")
    elif profile is None or profile.status != ReviewStatus.CONFIRMED:
        raise PermissionDenied
    page = Paginator(selectors.post_list_for(request.user).order_by("title"), 30).get_page(request.GET.get("page"))
    return render(request, "volunteers/posts.html", {"page": page, "form": form, "profile": profile})


@require_POST
def post_act(request, pk, action):
    if action == "claim":
        profile = _profile_or_403(request)
        post = selectors.post_get_for_claim(request.user, pk)
        done = _act(request, None, lambda _data: services.post_claim(volunteer=profile, post=post))
    elif action in ("release", "confirm", "duty"):
        claim = selectors.claim_get_for(request.user, pk)
        form = forms.DutyForm(request.POST) if action == "duty" else None
        done = _act(request, form, lambda data: actions.claim_action(request.user, claim, action, data))
    else:
        raise PermissionDenied
    if done:
        messages.success(request, _("Saved."))
    return redirect("volunteer-posts")


def units(request):
    """Units that double-report (双报到): registration by the community, confirmation, annual reports."""
    if not manages_volunteers(request.user):
        raise PermissionDenied
    form = forms.UnitForm(request.POST or None, user=request.user)
    if request.method == "POST":
        action = request.POST.get("action", "register")
        try:
            if action == "register" and form.is_valid():
                services.unit_register(actor=request.user, **form.cleaned_data)
            elif action in ("confirm", "refuse", "report"):
                unit = selectors.unit_get_for(request.user, request.POST.get("unit"))
                if action == "report":
                    start, end = previous_year(timezone.localdate())
                    report = services.report_generate(actor=request.user, unit=unit, start=start, end=end)
                    return redirect("volunteer-report", pk=report.pk)
                services.unit_review(actor=request.user, unit=unit, approve=action == "confirm")
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if not form.errors:
                return redirect("volunteer-units")
    page = Paginator(selectors.unit_list_for(request.user).order_by("status", "name"), 30).get_page(request.GET.get("page"))
    return render(request, "volunteers/units.html", {"page": page, "form": form})


def report(request, pk):
    """A report as printed and sent (print to PDF from the browser), with the community's review."""
    item = selectors.report_get_for(request.user, pk)
    if request.method == "POST":
        _act(request, forms.NoteForm(request.POST), lambda data: services.report_review(actor=request.user, report=item, note=data["note"]))
        return redirect("volunteer-report", pk=item.pk)
    return render(request, "volunteers/report.html", {"report": item})


@require_POST
def member_report(request, pk):
    volunteer = selectors.volunteer_get_for(request.user, pk)
    start, end = previous_half_year(timezone.localdate())
    item = services.report_generate(actor=request.user, volunteer=volunteer, start=start, end=end)
    return redirect("volunteer-report", pk=item.pk)


def certificate(request, pk):
    """志愿服务证明 in the civil-affairs form: identity, hours, content, issuing organisation and date."""
    volunteer = selectors.volunteer_get_for(request.user, pk)
    year = query_year(request.GET, default=timezone.localdate().year)
    context = {
        "volunteer": volunteer,
        "figures": selectors.member_figures(volunteer, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)),
        "year": year,
        "activities": selectors.service_notes_of(volunteer, year),
        "today": timezone.localdate(),
    }
    return render(request, "volunteers/certificate.html", context)


@require_POST
def points_correct(request, pk):
    entry = selectors.points_entry_get_for(request.user, pk)
    if _act(request, forms.ReasonForm(request.POST), lambda data: services.points_reverse(actor=request.user, entry=entry, note=data["note"])):
        messages.success(request, _("Saved."))
    return redirect("volunteer-detail", pk=entry.volunteer_id)
