"""The deliberation pages: topics (list with filters, raise), a topic (options, vote, decision, publish, tasks), meetings,
and the community's public decisions page (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import form_cleaned
from core.params import BadQuery
from deliberation import selectors, services
from deliberation.forms import (
    DecideForm,
    DropForm,
    MeetingForm,
    OptionForm,
    ParticipantForm,
    ScheduleForm,
    TaskDoneForm,
    TaskForm,
    TopicCloseForm,
    TopicFilterForm,
    TopicForm,
    VoteForm,
)
from deliberation.models import Meeting, Participant, Topic
from deliberation.permissions import can_reveal_contact
from governance.forms import PurposeForm, form_add_service_errors
from governance.models import Community
from governance.permissions import has_capability
from governance.roles import Capability
from governance.services import DailyLimitReached
from resident_requests.models import Category

PAGE_SIZE = 30


def _require_organiser(user) -> None:
    if not has_capability(user, Capability.MANAGE_DELIBERATION):
        raise PermissionDenied


def _attempt(request, act):
    """Apply a page action and say how it went: a refusal is the page's message, never a 500. Returns what it made, or None."""
    try:
        made = act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(request, _("Saved."))
    return made


def topics(request):
    user = request.user
    _require_organiser(user)
    if request.method == "POST":
        topic = _attempt(request, lambda: services.topic_raise(actor=user, **form_cleaned(TopicForm(request.POST, user=user))))
        return redirect("deliberation-topic", topic.pk) if topic else redirect("deliberation-topics")
    filters = TopicFilterForm(request.GET, user=user)
    if not filters.is_valid():
        raise BadQuery(" ".join(error for errors in filters.errors.values() for error in errors))
    found = selectors.topic_list_for(user, **{key: value for key, value in filters.cleaned_data.items() if value})
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "communities": selectors.community_list_for(user), "sources": Topic.Source.choices}
    return render(request, "deliberation/topics.html", context)


# The topic page's actions: the form that reads each one and the service that applies it (given the topic).
TOPIC_ACTIONS = {
    "option": (OptionForm, services.option_add),
    "schedule": (ScheduleForm, services.topic_schedule),
    "decide": (DecideForm, services.topic_decide),
    "publish": (None, services.topic_publish),
    "drop": (DropForm, services.topic_drop),
    "close": (TopicCloseForm, services.topic_close),
    "task": (TaskForm, services.task_add),
}


def topic_page(request, pk):
    user = request.user
    _require_organiser(user)
    topic = selectors.topic_get_for(user, pk)
    if request.method == "POST":
        _attempt(request, lambda: _topic_act(request, topic))
        return redirect("deliberation-topic", topic.pk)
    context = {
        "topic": topic,
        "meetings": selectors.meeting_list_for(user).filter(community=topic.community).order_by("-held_on")[:20],
        "categories": Category.objects.filter(active=True, parent__isnull=False).order_by("name"),
        "resources": selectors.task_resource_list_for(user).filter(unit__community__street=topic.community.street_id)[:50],
        "outcomes": Topic.Outcome.choices,
    }
    return render(request, "deliberation/topic.html", context)


def _topic_act(request, topic) -> None:
    user, post = request.user, request.POST
    action = post.get("action")
    if action == "vote":
        option = selectors.option_get_for(user, post.get("option", ""))
        if option.topic_id != topic.pk:
            raise PermissionDenied
        services.option_vote(actor=user, option=option, **form_cleaned(VoteForm(post, user=user)))
    elif action == "done":
        task = selectors.task_get_for(user, post.get("task", ""))
        if task.topic_id != topic.pk:
            raise PermissionDenied
        services.task_done(actor=user, task=task, **form_cleaned(TaskDoneForm(post, user=user)))
    elif action in TOPIC_ACTIONS:
        form_class, service = TOPIC_ACTIONS[action]
        service(actor=user, topic=topic, **(form_cleaned(form_class(post, user=user)) if form_class else {}))
    else:
        raise PermissionDenied


def meetings(request):
    user = request.user
    _require_organiser(user)
    if request.method == "POST":
        meeting = _attempt(request, lambda: services.meeting_create(actor=user, **form_cleaned(MeetingForm(request.POST, user=user))))
        return redirect("deliberation-meeting", meeting.pk) if meeting else redirect("deliberation-meetings")
    page = Paginator(selectors.meeting_list_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "communities": selectors.community_list_for(user),
        "kinds": Meeting.Kind.choices,
        "topics": selectors.schedulable_topic_list_for(user).select_related("community")[:100],
    }
    return render(request, "deliberation/meetings.html", context)


def meeting_page(request, pk):
    user = request.user
    _require_organiser(user)
    meeting = selectors.meeting_get_for(user, pk)
    if request.method == "POST":
        _attempt(request, lambda: services.participant_add(actor=user, meeting=meeting, **form_cleaned(ParticipantForm(request.POST, user=user))))
        return redirect("deliberation-meeting", meeting.pk)
    return _meeting_page(request, meeting)


def _meeting_page(request, meeting, *, asked=None, form=None, values=None, status=200):
    """The meeting with its participants; after a reveal, the asked row shows the phone, or its form with the errors."""
    participants = meeting.participants.all()
    may_reveal = can_reveal_contact(request.user, meeting.ancestry())
    rows = [
        {
            "participant": p,
            "phone": (values or {}).get("phone") if p.pk == asked else None,
            "form": form if p.pk == asked else PurposeForm(auto_id=False),
            "may_reveal": may_reveal and bool(p.phone_masked),
        }
        for p in participants
    ]
    context = {"meeting": meeting, "rows": rows, "participant_kinds": Participant.Kind.choices, "total": sum(p.count for p in participants)}
    return render(request, "deliberation/meeting.html", context, status=status)


@require_POST
def participant_reveal(request, pk):
    """The participants' contact phone, with a purpose, for the community's organisers; the reveal is logged."""
    user = request.user
    _require_organiser(user)
    participant = selectors.participant_get_for(user, pk)
    form = PurposeForm(request.POST, auto_id=False)
    values = None
    if form.is_valid():
        try:
            values = services.participant_phone_reveal(actor=user, participant=participant, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except DailyLimitReached as exc:
            form.add_error(None, str(exc))
    status = 200 if values else 400
    # htmx swaps the fragment in place; without JavaScript the meeting page comes again with the phone or the errors.
    if request.headers.get("HX-Request"):
        return render(request, "households/reveal.html", {"form": form, "values": values}, status=status)
    meeting = selectors.meeting_get_for(user, participant.meeting_id)
    return _meeting_page(request, meeting, asked=participant.pk, form=form, values=values, status=status)


@login_not_required
@require_GET
def public_decisions(request, code):
    """The community's published decisions, for residents on a phone: no login, no one's personal data."""
    community = get_object_or_404(Community, code=code)
    page = Paginator(selectors.published_decisions(community), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deliberation/public_decisions.html", {"community": community, "page": page})
