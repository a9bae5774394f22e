"""Volunteer pages: the volunteer's own page on the phone, activities with on-site check-in, and the community's desk."""

import datetime as dt
from decimal import Decimal

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance.forms import form_add_service_errors
from governance.models import ResidentUnit
from governance.params import query_year
from governance.roles import Capability
from governance.scope import get_in_scope_or_404, scope_for
from grids.models import Grid
from households.models import Household
from volunteers import selectors, services
from volunteers.models import Activity, DualReport, Gift, LedgerEntry, PostClaim, Redemption, ReportingUnit, ReviewStatus, ServicePost, Signup, Skill, Wish


class RegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=20)
    is_party_member = forms.BooleanField(label=gettext_lazy("I am an in-service party member"), required=False, initial=True)
    work_unit_name = forms.CharField(label=gettext_lazy("Work unit"), max_length=100, required=False)
    party_branch = forms.CharField(label=gettext_lazy("Own party branch"), max_length=100, required=False)
    skills = forms.MultipleChoiceField(label=gettext_lazy("Skills"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple, required=False)
    availability = forms.CharField(label=gettext_lazy("When are you free?"), max_length=100, required=False)


class ActivityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100)
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    places = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=500)
    skills = forms.MultipleChoiceField(label=gettext_lazy("Skills wanted"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple, required=False)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    organiser_unit = forms.ModelChoiceField(queryset=ResidentUnit.objects.none(), label=gettext_lazy("Organised by a resident unit (optional)"), required=False)


def me(request):
    """The volunteer's own page: hours this year, points, upcoming activities, linked households."""
    profile = selectors.profile_of(request.user)
    if profile is None:
        return _register(request)
    summary = selectors.volunteer_summary(profile)
    history = Paginator(profile.ledger.all(), 20).get_page(request.GET.get("page"))
    now = timezone.now()
    signups = (
        profile.signups.filter(activity__ends_at__gte=now)
        .exclude(status=Signup.Status.CANCELLED)
        .select_related("activity")
        .order_by("activity__starts_at")[:10]
    )
    open_activities = selectors.activity_list_for(request.user).filter(signup_closes_at__gte=now, status=Activity.Status.PUBLISHED).order_by("starts_at")[:10]
    # Linked households as the ledger shows them to a volunteer: address only, no names, no phones.
    links = profile.links.select_related("household__building").order_by("household__building_id", "household__unit", "household__room")
    context = {"profile": profile, "summary": summary, "history": history, "signups": signups, "open_activities": open_activities, "links": links}
    return render(request, "volunteers/me.html", context)


def _register(request):
    membership = request.user.memberships.filter(role="volunteer").select_related("community").first()
    if membership is None:
        raise PermissionDenied(_("Ask your community to register you as a volunteer."))
    form = RegisterForm(request.POST or None, initial={"name": request.user.full_name, "phone": request.user.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_register(community=membership.community, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Registered; the community will confirm you and place you in a grid."))
            return redirect("volunteer-me")
    return render(request, "volunteers/register.html", {"form": form, "community": membership.community})


def activities(request):
    can_publish = not scope_for(request.user, Capability.MANAGE_HIERARCHY).is_empty
    form = ActivityForm(request.POST or None) if can_publish else None
    if form is not None:
        form.fields["organiser_unit"].queryset = ResidentUnit.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).order_by("name")
    if request.method == "POST" and form is not None and form.is_valid():
        community = request.user.memberships.filter(community__isnull=False).select_related("community").first()
        if community is None:
            raise PermissionDenied
        data = form.cleaned_data
        try:
            activity = services.activity_publish(
                actor=request.user, community=community.community, signup_closes_at=data["starts_at"] - dt.timedelta(hours=2), **data
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("volunteer-activity", pk=activity.pk)
    page = Paginator(selectors.activity_list_for(request.user).order_by("-starts_at"), 20).get_page(request.GET.get("page"))
    return render(request, "volunteers/activities.html", {"page": page, "form": form, "now": timezone.now()})


def activity(request, pk):
    act = selectors.activity_get_for(request.user, pk)
    profile = selectors.profile_of(request.user)
    mine = act.signups.filter(volunteer=profile).first() if profile else None
    manager = scope_for(request.user, Capability.MANAGE_HIERARCHY).contains(act.ancestry())
    signups = act.signups.select_related("volunteer").order_by("created_at") if manager else []
    return render(request, "volunteers/activity.html", {"activity": act, "mine": mine, "manager": manager, "signups": signups, "now": timezone.now()})


@require_POST
def activity_signup(request, pk):
    act = selectors.activity_get_for(request.user, pk)
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    try:
        if request.POST.get("cancel"):
            services.signup_cancel(volunteer=profile, activity=act)
            messages.success(request, _("Your sign-up is cancelled."))
        else:
            services.signup_create(volunteer=profile, activity=act)
            messages.success(request, _("You are signed up."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("volunteer-activity", pk=act.pk)


def activity_code(request, pk):
    """The organiser's screen: the rotating QR code volunteers scan to check in and out."""
    act = selectors.activity_get_for(request.user, pk)
    if not scope_for(request.user, Capability.MANAGE_HIERARCHY).contains(act.ancestry()):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("volunteer-scan", args=[act.pk, services.checkin_code(act)]))
    # The SVG is made here from our own URL, never from user input.
    svg = mark_safe(qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10).to_string(encoding="unicode"))  # noqa: S308
    return render(request, "volunteers/code.html", {"activity": act, "qr": svg, "refresh": services.CODE_WINDOW_SECONDS // 2})


def activity_scan(request, pk, code):
    """The address in the on-site QR code: the volunteer's phone opens it and confirms with one tap (a POST)."""
    act = selectors.activity_get_for(request.user, pk)
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    if request.method != "POST":
        mine = act.signups.filter(volunteer=profile).first()
        return render(request, "volunteers/scan.html", {"activity": act, "mine": mine})
    try:
        signup = services.signup_scan(volunteer=profile, activity=act, code=code)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Checked in.") if signup.status == Signup.Status.CHECKED_IN else _("Checked out; the organiser will confirm your hours."))
    return redirect("volunteer-activity", pk=act.pk)


@require_POST
def signup_confirm(request, pk):
    signup = Signup.objects.select_related("activity__community", "volunteer").filter(pk=pk).first()
    if signup is None or not selectors.activity_list_for(request.user).filter(pk=signup.activity_id).exists():
        raise PermissionDenied
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


def desk(request):
    """The community's desk: registrations to confirm, members and their 1+10 links."""
    if scope_for(request.user, Capability.MANAGE_HIERARCHY).is_empty:
        raise PermissionDenied
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = request.user.memberships.filter(community__isnull=False).select_related("community").first()
        if membership is None:
            raise PermissionDenied
        try:
            # Registered by the community on the member's behalf (no account needed to serve).
            volunteer = services.volunteer_register(community=membership.community, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("volunteer-detail", pk=volunteer.pk)
    volunteers = selectors.volunteer_list_for(request.user).order_by("status", "name")
    page = Paginator(volunteers, 30).get_page(request.GET.get("page"))
    return render(request, "volunteers/desk.html", {"page": page, "form": form})


def volunteer_detail(request, pk):
    volunteer = selectors.volunteer_get_for(request.user, pk)
    grids = Grid.objects.filter(community=volunteer.community).order_by("sequence")
    if request.method == "POST":
        try:
            if "confirm" in request.POST:
                services.volunteer_confirm(actor=request.user, volunteer=volunteer, grid=grids.get(pk=request.POST.get("grid")))
            elif "link" in request.POST:
                households = Household.objects.filter(pk__in=request.POST.getlist("households"), grid_id=volunteer.grid_id)
                services.links_set(actor=request.user, volunteer=volunteer, households=households)
        except (ValidationError, Grid.DoesNotExist) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [_("Choose a grid of the volunteer's community.")])))
        else:
            messages.success(request, _("Saved."))
        return redirect("volunteer-detail", pk=volunteer.pk)
    context = {
        "volunteer": volunteer,
        "grids": grids,
        "links": volunteer.links.select_related("household__building"),
        "proposal": services.links_propose(volunteer) if volunteer.status == ReviewStatus.CONFIRMED else [],
        "summary": selectors.volunteer_summary(volunteer),
        "ledger": volunteer.ledger.select_related("reversed_by")[:30],
    }
    return render(request, "volunteers/volunteer.html", context)


class GiftForm(forms.Form):
    merchant = forms.ModelChoiceField(queryset=ResidentUnit.objects.none(), label=gettext_lazy("Alliance merchant"))
    name = forms.CharField(label=gettext_lazy("Gift"), max_length=100)
    points = forms.IntegerField(label=gettext_lazy("Points price"), min_value=1)
    stock = forms.IntegerField(label=gettext_lazy("In stock"), min_value=0)


def gifts(request):
    """Volunteers redeem points for gifts of the community's alliance merchants; cadres list gifts and record hand-overs."""
    profile = selectors.profile_of(request.user)
    managed = scope_for(request.user, Capability.MANAGE_HIERARCHY)
    form = None
    if not managed.is_empty:
        form = GiftForm(request.POST or None)
        form.fields["merchant"].queryset = ResidentUnit.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).order_by("name")
        if request.method == "POST" and form.is_valid():
            try:
                services.gift_list(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("volunteer-gifts")
        gift_qs = Gift.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY)
        waiting = Redemption.objects.filter(gift__in=gift_qs, status=Redemption.Status.WAITING).select_related("gift__merchant", "volunteer")[:100]
    elif profile is not None and profile.status == ReviewStatus.CONFIRMED:
        gift_qs = Gift.objects.filter(merchant__community_id=profile.community_id, active=True)
        waiting = profile.redemptions.select_related("gift__merchant")[:20]
    else:
        raise PermissionDenied
    page = Paginator(gift_qs.select_related("merchant").order_by("points", "id"), 30).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "waiting": waiting, "profile": profile, "balance": services.balance(profile) if profile else None}
    return render(request, "volunteers/gifts.html", context)


@require_POST
def gift_redeem(request, pk):
    profile = selectors.profile_of(request.user)
    gift = Gift.objects.filter(pk=pk, merchant__community_id=getattr(profile, "community_id", None)).select_related("merchant").first()
    if profile is None or gift is None:
        raise PermissionDenied
    try:
        services.gift_redeem(volunteer=profile, gift=gift)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Redeemed: collect it at %(merchant)s.") % {"merchant": gift.merchant.name})
    return redirect("volunteer-gifts")


@require_POST
def redemption_hand_over(request, pk):
    redemption = (
        Redemption.objects.filter(pk=pk, gift__in=Gift.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY)).select_related("gift__merchant").first()
    )
    if redemption is None:
        raise PermissionDenied
    try:
        services.redemption_hand_over(actor=request.user, redemption=redemption)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("volunteer-gifts")


class WishForm(forms.Form):
    resident_name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    content = forms.CharField(label=gettext_lazy("Your small wish"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


def wishes(request):
    """Volunteers: published wishes of their community (names masked) and their own claims. Cadres: the review desk."""
    profile = selectors.profile_of(request.user)
    managed = scope_for(request.user, Capability.MANAGE_HIERARCHY)
    if not managed.is_empty:
        qs = Wish.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY)
        manager = True
    elif profile is not None and profile.status == ReviewStatus.CONFIRMED:
        qs = Wish.objects.filter(community_id=profile.community_id).filter(models.Q(status=Wish.Status.PUBLISHED) | models.Q(claimed_by=profile))
        manager = False
    else:
        raise PermissionDenied
    form = WishForm(request.POST or None) if manager else None
    if form is not None and request.method == "POST" and form.is_valid():
        membership = request.user.memberships.filter(community__isnull=False).select_related("community").first()
        if membership is None:
            raise PermissionDenied
        try:
            # A cadre posts the wish on a resident's behalf (a visit, a phone call).
            services.wish_post(community=membership.community, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("volunteer-wishes")
    page = Paginator(qs.select_related("claimed_by", "claimed_unit").order_by("status", "-created_at"), 30).get_page(request.GET.get("page"))
    units = ResidentUnit.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).order_by("name") if manager else []
    return render(request, "volunteers/wishes.html", {"page": page, "manager": manager, "profile": profile, "form": form, "units": units})


@require_POST
def wish_act(request, pk, action):
    profile = selectors.profile_of(request.user)
    managed = scope_for(request.user, Capability.MANAGE_HIERARCHY)
    wish = Wish.objects.filter(pk=pk).select_related("community").first()
    visible = wish is not None and (managed.contains(wish.ancestry()) or (profile is not None and profile.community_id == wish.community_id))
    if not visible:
        raise PermissionDenied
    note = request.POST.get("note", "")
    try:
        if action == "publish":
            services.wish_review(actor=request.user, wish=wish, publish=True, note=note)
        elif action == "refuse":
            services.wish_review(actor=request.user, wish=wish, publish=False, note=note)
        elif action == "claim" and request.POST.get("unit"):
            unit = ResidentUnit.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).filter(pk=request.POST["unit"]).first()
            if unit is None:
                raise PermissionDenied
            services.wish_claim(wish=wish, unit=unit, actor=request.user)
        elif action == "claim":
            services.wish_claim(wish=wish, volunteer=profile)
        elif action == "fulfil":
            services.wish_fulfil(wish=wish, note=note, volunteer=profile if wish.claimed_by_id else None, actor=request.user, photo=request.FILES.get("photo"))
        elif action == "confirm":
            services.wish_confirm(wish=wish, actor=request.user)
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("volunteer-wishes")


@login_not_required
def public_wish(request, token):
    """A resident posts a small wish from the heart-link card."""
    from households.selectors import household_by_token

    household = household_by_token(token)
    if household is None:
        raise Http404
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wish = services.wish_post(community=household.grid.community, household=household, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("public-wish-status", code=wish.code)
    return render(request, "volunteers/public_wish.html", {"form": form, "community": household.grid.community})


@login_not_required
def public_wish_status(request, code):
    """The resident follows the wish and confirms it came true; no volunteer's personal data is shown."""
    wish = Wish.objects.filter(code=code.upper()).select_related("community").first()
    if wish is None:
        raise Http404
    if request.method == "POST" and wish.status == Wish.Status.FULFILLED:
        try:
            services.wish_confirm(wish=wish)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("public-wish-status", code=wish.code)
    return render(request, "volunteers/public_wish_status.html", {"wish": wish})


class PostForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Post"), max_length=100)
    places = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=200)
    description = forms.CharField(label=gettext_lazy("Duties"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


def posts(request):
    """Service posts (认领岗位): members claim and release; the community publishes, confirms and records duty."""
    profile = selectors.profile_of(request.user)
    managed = scope_for(request.user, Capability.MANAGE_HIERARCHY)
    form = None
    if not managed.is_empty:
        form = PostForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            membership = request.user.memberships.filter(community__isnull=False).select_related("community").first()
            if membership is None:
                raise PermissionDenied
            services.post_publish(actor=request.user, community=membership.community, **form.cleaned_data)
            return redirect("volunteer-posts")
        qs = ServicePost.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY)
    elif profile is not None and profile.status == ReviewStatus.CONFIRMED:
        qs = ServicePost.objects.filter(community_id=profile.community_id, active=True)
    else:
        raise PermissionDenied
    claims = models.Prefetch("claims", queryset=PostClaim.objects.exclude(status=PostClaim.Status.RELEASED).select_related("volunteer"))
    page = Paginator(qs.prefetch_related(claims).order_by("title"), 30).get_page(request.GET.get("page"))
    return render(request, "volunteers/posts.html", {"page": page, "form": form, "profile": profile})


@require_POST
def post_act(request, pk, action):
    profile = selectors.profile_of(request.user)
    try:
        if action == "claim":
            post = ServicePost.objects.filter(pk=pk, community_id=getattr(profile, "community_id", None)).first()
            if post is None:
                raise PermissionDenied
            services.post_claim(volunteer=profile, post=post)
        else:
            claim = PostClaim.objects.select_related("post__community").filter(pk=pk).first()
            if claim is None:
                raise PermissionDenied
            if action == "release" and profile is not None and claim.volunteer_id == profile.pk:
                services.post_claim_release(claim=claim, volunteer=profile)
            elif action == "release":
                services.post_claim_release(claim=claim, actor=request.user)
            elif action == "confirm":
                services.post_claim_confirm(actor=request.user, claim=claim)
            elif action == "duty":
                try:
                    hours = Decimal(request.POST.get("hours", ""))
                except (ArithmeticError, ValueError) as exc:
                    raise ValidationError(_("Enter the hours as a number.")) from exc
                services.post_duty_record(actor=request.user, claim=claim, hours=hours)
            else:
                raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("volunteer-posts")


class UnitForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Unit name"), max_length=100)
    credit_code = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=18)
    party_org_name = forms.CharField(label=gettext_lazy("Party organisation"), max_length=100)
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=gettext_lazy("Contact phone"), max_length=20)
    resources = forms.CharField(label=gettext_lazy("Resources offered"), widget=forms.Textarea(attrs={"rows": 2}))


def _period(kind: str) -> tuple[dt.date, dt.date]:
    """The last finished half-year for a member, the last finished year for a unit."""
    today = timezone.localdate()
    if kind == "unit":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if today.month > 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)


def units(request):
    """Units that double-report (双报到): registration by the community, confirmation, annual reports."""
    managed = scope_for(request.user, Capability.MANAGE_HIERARCHY)
    if managed.is_empty:
        raise PermissionDenied
    form = UnitForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "register")
        unit = ReportingUnit.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).filter(pk=request.POST.get("unit") or 0).first()
        try:
            if action == "register" and form.is_valid():
                membership = request.user.memberships.filter(community__isnull=False).select_related("community").first()
                if membership is None:
                    raise PermissionDenied
                services.unit_register(community=membership.community, **form.cleaned_data)
            elif action in ("confirm", "refuse") and unit is not None:
                services.unit_review(actor=request.user, unit=unit, approve=action == "confirm")
            elif action == "report" and unit is not None:
                start, end = _period("unit")
                report = services.report_generate(actor=request.user, unit=unit, start=start, end=end)
                return redirect("volunteer-report", pk=report.pk)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            if not form.errors:
                return redirect("volunteer-units")
    page = Paginator(
        ReportingUnit.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).select_related("community").order_by("status", "name"), 30
    ).get_page(request.GET.get("page"))
    return render(request, "volunteers/units.html", {"page": page, "form": form})


def report(request, pk):
    """A report as printed and sent (print to PDF from the browser), with the community's review."""
    item = get_in_scope_or_404(DualReport.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).select_related("volunteer", "unit", "community"), pk=pk)
    if request.method == "POST":
        try:
            services.report_review(actor=request.user, report=item, note=request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("volunteer-report", pk=item.pk)
    return render(request, "volunteers/report.html", {"report": item})


@require_POST
def member_report(request, pk):
    volunteer = selectors.volunteer_get_for(request.user, pk)
    start, end = _period("member")
    item = services.report_generate(actor=request.user, volunteer=volunteer, start=start, end=end)
    return redirect("volunteer-report", pk=item.pk)


def certificate(request, pk):
    """志愿服务证明 in the civil-affairs form: identity, hours, content, issuing organisation and date."""
    volunteer = selectors.volunteer_get_for(request.user, pk)
    year = query_year(request.GET, default=timezone.localdate().year)
    figures = services.member_figures(volunteer, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    activities = volunteer.ledger.filter(created_at__year=year, hours__gt=0).values_list("note", flat=True).distinct()[:20]
    return render(
        request,
        "volunteers/certificate.html",
        {"volunteer": volunteer, "figures": figures, "year": year, "activities": activities, "today": timezone.localdate()},
    )


@require_POST
def signup_mark(request, pk):
    signup = Signup.objects.select_related("activity__community").filter(pk=pk).first()
    if signup is None or not selectors.activity_list_for(request.user).filter(pk=signup.activity_id).exists():
        raise PermissionDenied
    try:
        services.signup_mark(actor=request.user, signup=signup)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("volunteer-activity", pk=signup.activity_id)


@require_POST
def ledger_correct(request, pk):
    entry = LedgerEntry.objects.visible_to(request.user, Capability.MANAGE_HIERARCHY).select_related("volunteer__community").filter(pk=pk).first()
    if entry is None:
        raise PermissionDenied
    try:
        services.ledger_reverse(actor=request.user, entry=entry, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("volunteer-detail", pk=entry.volunteer_id)


urlpatterns = [
    path("volunteers/signups/<int:pk>/mark/", signup_mark, name="volunteer-signup-mark"),
    path("volunteers/ledger/<int:pk>/correct/", ledger_correct, name="volunteer-ledger-correct"),
    path("volunteers/units/", units, name="volunteer-units"),
    path("volunteers/reports/<int:pk>/", report, name="volunteer-report"),
    path("volunteers/<int:pk>/report/", member_report, name="volunteer-member-report"),
    path("volunteers/<int:pk>/certificate/", certificate, name="volunteer-certificate"),
    path("volunteers/posts/", posts, name="volunteer-posts"),
    path("volunteers/posts/<int:pk>/<str:action>/", post_act, name="volunteer-post-act"),
    path("volunteers/wishes/", wishes, name="volunteer-wishes"),
    path("volunteers/wishes/<int:pk>/<str:action>/", wish_act, name="volunteer-wish-act"),
    path("r/<str:token>/wish/", public_wish, name="public-wish"),
    path("wish/<str:code>/", public_wish_status, name="public-wish-status"),
    path("volunteers/gifts/", gifts, name="volunteer-gifts"),
    path("volunteers/gifts/<int:pk>/redeem/", gift_redeem, name="volunteer-redeem"),
    path("volunteers/redemptions/<int:pk>/hand-over/", redemption_hand_over, name="volunteer-hand-over"),
    path("volunteers/me/", me, name="volunteer-me"),
    path("volunteers/activities/", activities, name="volunteer-activities"),
    path("volunteers/activities/<int:pk>/", activity, name="volunteer-activity"),
    path("volunteers/activities/<int:pk>/signup/", activity_signup, name="volunteer-signup"),
    path("volunteers/activities/<int:pk>/code/", activity_code, name="volunteer-code"),
    path("volunteers/activities/<int:pk>/scan/<str:code>/", activity_scan, name="volunteer-scan"),
    path("volunteers/signups/<int:pk>/confirm/", signup_confirm, name="volunteer-signup-confirm"),
    path("volunteers/desk/", desk, name="volunteer-desk"),
    path("volunteers/<int:pk>/", volunteer_detail, name="volunteer-detail"),
]
