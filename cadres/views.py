"""The team's pages: team list, a worker's file, the ladder, the promotion queue, the pools and mentoring."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres import mentoring, selectors, services
from cadres.forms import (
    CadreReasonForm,
    GradeStepForm,
    GrowthForm,
    MeasureForm,
    MeetingRecordForm,
    MeetingScheduleForm,
    PairForm,
    PoolEntryForm,
    PoolRuleForm,
    ProfileForm,
    ProfileUpdateForm,
    ReviewForm,
    TeamFilterForm,
    VettingForm,
)
from cadres.models import GrowthEntry, MentorPair, Pool, PoolRule, Post, Review, RoutineMeeting
from cadres.permissions import acting_level, can_edit_rules, can_reveal, can_see_vetting, manages_cadres
from core.forms import form_cleaned
from core.params import BadQuery
from governance.forms import PurposeForm
from governance.roles import Level
from governance.services import DailyLimitReached

PAGE_SIZE = 30
# The statuses from which each level takes a step of a pool entry (services.REVIEW_STEPS).
STEP_OF = {(before, level) for (before, _after), level in services.REVIEW_STEPS.items()}
LIMIT = 200


def _require(request) -> None:
    if not manages_cadres(request.user):
        raise PermissionDenied


def _posted(request, act, *args) -> bool:
    """Apply the page's action; a refusal or invalid input becomes the page's error message."""
    try:
        act(request, *args)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, _("Saved."))
    return True


def team(request):
    _require(request)
    user = request.user
    if request.method == "POST":
        _posted(request, lambda r: services.profile_create(actor=user, **form_cleaned(ProfileForm(r.POST, user=user))))
        return redirect("cadre-team")
    filters = TeamFilterForm(request.GET, user=user)
    if not filters.is_valid():
        raise BadQuery(" ".join(error for errors in filters.errors.values() for error in errors))
    page = Paginator(selectors.profile_list_for(user, **filters.cleaned_data).order_by("community__code", "post", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "posts": Post.choices,
        "communities": selectors.community_list_for(user)[:LIMIT],
        "grids": selectors.grid_list_for(user)[:LIMIT],
        "accounts": selectors.unfiled_user_list_for(user)[:LIMIT],
        "today": timezone.localdate(),
    }
    return render(request, "cadres/team.html", context)


def _profile_act(request, profile) -> None:
    post, user = request.POST, request.user
    action = post.get("action")
    if action == "update":
        services.profile_update(actor=user, profile=profile, **form_cleaned(ProfileUpdateForm(post)))
    elif action == "vetting":
        services.vetting_record(actor=user, profile=profile, **form_cleaned(VettingForm(post)))
    elif action == "promote":
        services.promotion_propose(actor=user, profile=profile, **form_cleaned(CadreReasonForm(post)))
    else:
        raise PermissionDenied


def profile_detail(request, pk):
    _require(request)
    user = request.user
    profile = selectors.profile_get_for(user, pk)
    ancestry = profile.ancestry()
    revealed, reveal_form = None, PurposeForm(auto_id=False)
    if request.method == "POST" and request.POST.get("action") == "reveal":
        reveal_form = PurposeForm(request.POST, auto_id=False)
        try:
            revealed = services.profile_reveal(actor=user, profile=profile, **form_cleaned(reveal_form))
        except (ValidationError, DailyLimitReached) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    elif request.method == "POST":
        _posted(request, _profile_act, profile)
        return redirect("cadre-file", pk=profile.pk)
    step, lacking = services.promotion_check(profile)
    context = {
        "profile": profile,
        "scores": selectors.score_list_of(profile),
        "promotions": profile.promotions.all()[:20],
        "entries": profile.pool_entries.all()[:20],
        "see_vetting": can_see_vetting(user, ancestry),
        "can_reveal": can_reveal(user, ancestry),
        "can_propose": acting_level(user, ancestry) == Level.COMMUNITY,
        "reveal_form": reveal_form,
        "revealed": revealed,
        "next_step": step,
        "lacking": lacking,
        "vettings": VettingForm.base_fields["vetting"].choices,
        "today": timezone.localdate(),
    }
    return render(request, "cadres/profile.html", context)


def ladder(request):
    _require(request)
    user = request.user
    if request.method == "POST":
        _posted(request, lambda r: services.grade_step_save(actor=user, **form_cleaned(GradeStepForm(r.POST, user=user))))
        return redirect("cadre-ladder")
    districts = [d for d in selectors.ladder_district_list_for(user) if can_edit_rules(user, d.pk)]
    context = {"steps": selectors.grade_step_list_for(user)[:LIMIT], "districts": districts, "posts": Post.choices}
    return render(request, "cadres/ladder.html", context)


def _promotion_review(request) -> None:
    promotion = selectors.promotion_get_for(request.user, request.POST.get("item", ""))
    services.promotion_review(actor=request.user, promotion=promotion, **form_cleaned(ReviewForm(request.POST)))


def promotions(request):
    """The promotion queue: what waits on the caller's level first, then the rest of the area's proposals."""
    _require(request)
    user = request.user
    if request.method == "POST":
        _posted(request, _promotion_review)
        return redirect("cadre-promotions")
    rows = list(selectors.promotion_list_for(user).order_by("-created_at", "-id")[:LIMIT])
    for promotion in rows:
        promotion.waiting_here = selectors.waiting_status_for(user, promotion.ancestry()) == promotion.status
    context = {"waiting": [p for p in rows if p.waiting_here], "others": [p for p in rows if not p.waiting_here]}
    return render(request, "cadres/promotions.html", context)


def _pools_act(request) -> None:
    post, user = request.POST, request.user
    action = post.get("action")
    if action == "propose":
        services.pool_entry_propose(actor=user, **form_cleaned(PoolEntryForm(post, user=user)))
    elif action == "review":
        entry = selectors.pool_entry_get_for(user, post.get("item", ""))
        services.pool_entry_review(actor=user, entry=entry, **form_cleaned(ReviewForm(post)))
    elif action == "rule":
        services.pool_rule_save(actor=user, **form_cleaned(PoolRuleForm(post, user=user)))
    else:
        raise PermissionDenied


def pools(request):
    """两库: each pool's rules and entries, with the step waiting on the caller's level."""
    _require(request)
    user = request.user
    if request.method == "POST":
        _posted(request, _pools_act)
        return redirect("cadre-pools")
    rules = list(selectors.pool_rule_list_for(user).filter(active=True)[:LIMIT])
    entries = list(selectors.pool_entry_list_for(user).exclude(status=Review.REMOVED)[:LIMIT])
    for entry in entries:
        level = acting_level(user, entry.ancestry())
        entry.may_step = (entry.status, level) in STEP_OF
    sections = [
        {"pool": value, "label": label, "rules": [r for r in rules if r.pool == value], "entries": [e for e in entries if e.pool == value]}
        for value, label in Pool.choices
    ]
    context = {
        "sections": sections,
        "profiles": selectors.profile_list_for(user)[:LIMIT],
        "districts": [d for d in selectors.ladder_district_list_for(user) if can_edit_rules(user, d.pk)],
        "rule_kinds": PoolRule.Kind.choices,
        "pools": Pool.choices,
    }
    return render(request, "cadres/pools.html", context)


def _pairs_act(request) -> None:
    post, user = request.POST, request.user
    action = post.get("action")
    if action == "choose":
        mentoring.pair_choose(actor=user, **form_cleaned(PairForm(post, user=user)))
    elif action == "schedule":
        mentoring.meeting_schedule(actor=user, **form_cleaned(MeetingScheduleForm(post, user=user)))
    elif action == "record":
        meeting = selectors.meeting_get_for(user, post.get("meeting", ""))
        mentoring.meeting_record(actor=user, meeting=meeting, **form_cleaned(MeetingRecordForm(post)))
    else:
        raise PermissionDenied


def pairs(request):
    """Pairs with their mentors' offers and trainees' needs, and the "四个一" calendar of the area."""
    _require(request)
    user = request.user
    if request.method == "POST":
        _posted(request, _pairs_act)
        return redirect("cadre-pairs")
    today = timezone.localdate()
    context = {
        "pairs": Paginator(selectors.pair_list_for(user), PAGE_SIZE).get_page(request.GET.get("page")),
        "mentors": selectors.filed_profile_list_for(user, [Pool.MENTOR])[:LIMIT],
        "trainees": selectors.filed_profile_list_for(user, mentoring.TRAINEE_POOLS)[:LIMIT],
        "meetings": selectors.meeting_list_for(user).filter(scheduled_on__gte=today.replace(day=1, month=1))[:LIMIT],
        "communities": selectors.community_list_for(user)[:LIMIT],
        "meeting_kinds": RoutineMeeting.Kind.choices,
        "today": today,
    }
    return render(request, "cadres/pairs.html", context)


def _pair_act(request, pair) -> None:
    post, user = request.POST, request.user
    action = post.get("action")
    if action == "measure":
        mentoring.measure_add(actor=user, pair=pair, **form_cleaned(MeasureForm(post)))
    elif action == "done":
        measure = pair.measures.filter(pk=post.get("measure", "") if post.get("measure", "").isdigit() else None).first()
        if measure is None:
            raise ValidationError(_("Choose a measure of the plan."))
        mentoring.measure_done(actor=user, measure=measure)
    elif action == "growth":
        mentoring.growth_record(actor=user, pair=pair, **form_cleaned(GrowthForm(post)))
    elif action == "end":
        mentoring.pair_end(actor=user, pair=pair, **form_cleaned(CadreReasonForm(post)))
    else:
        raise PermissionDenied


def pair_detail(request, pk):
    """A pair's plan of measures and the trainee's growth file."""
    _require(request)
    pair = selectors.pair_get_for(request.user, pk)
    if request.method == "POST":
        _posted(request, _pair_act, pair)
        return redirect("cadre-pair-file", pk=pair.pk)
    context = {"pair": pair, "kinds": GrowthEntry.Kind.choices, "active": pair.status == MentorPair.Status.ACTIVE, "today": timezone.localdate()}
    return render(request, "cadres/pair.html", context)
