"""Reads of deliberation in the caller's area (organisers: a community sees its own, the street and district theirs),
shared by the pages, their forms, the API and the admin; the public decisions of one community; the dashboard's figures."""

import datetime as dt

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import days_window
from deliberation.lifecycle import DECIDED
from deliberation.models import Meeting, Option, Participant, Task, Topic
from governance.models import Community, ResidentUnit
from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404
from households.models import Visit
from party_building.models import ResourceItem
from resident_requests.models import ResidentRequest

CAPABILITY = Capability.MANAGE_DELIBERATION


def topic_list_for(user, *, status: str = "", community=None, source: str = ""):
    topics = (
        Topic.objects.visible_to(user, CAPABILITY)
        .select_related("community", "meeting")
        .annotate(task_count=Count("tasks", distinct=True), tasks_open=Count("tasks", filter=Q(tasks__status=Task.Status.OPEN), distinct=True))
        .order_by("-created_at", "-id")
    )
    if status:
        topics = topics.filter(status=status)
    if community is not None:
        topics = topics.filter(community=community)
    if source:
        topics = topics.filter(source=source)
    return topics


def topic_get_for(user, pk):
    """One topic with what its page shows: options, meeting, tasks and history."""
    topics = (
        Topic.objects.visible_to(user, CAPABILITY)
        .select_related("community", "meeting", "request", "visit__household", "unit", "raised_by")
        .prefetch_related("options", Prefetch("tasks", Task.objects.select_related("request", "project")), "history__actor")
    )
    return get_in_scope_or_404(topics, pk=pk)


def option_get_for(user, pk):
    return get_in_scope_or_404(Option.objects.visible_to(user, CAPABILITY).select_related("topic__meeting", "topic__community"), pk=pk)


def task_list_for(user):
    return Task.objects.visible_to(user, CAPABILITY).select_related("topic__community", "request", "project")


def task_get_for(user, pk):
    return get_in_scope_or_404(task_list_for(user), pk=pk)


def meeting_list_for(user):
    return (
        Meeting.objects.visible_to(user, CAPABILITY)
        .select_related("community")
        .annotate(topic_count=Count("topics", distinct=True), people=Count("participants", distinct=True))
        .order_by("-held_on", "-id")
    )


def meeting_get_for(user, pk):
    meetings = Meeting.objects.visible_to(user, CAPABILITY).select_related("community", "recorded_by").prefetch_related("participants", "topics")
    return get_in_scope_or_404(meetings, pk=pk)


def participant_list_for(user):
    return Participant.objects.visible_to(user, CAPABILITY).select_related("meeting")


def participant_get_for(user, pk):
    return get_in_scope_or_404(participant_list_for(user).select_related("meeting__community"), pk=pk)


def community_list_for(user):
    """Communities where the user runs deliberation."""
    return Community.objects.visible_to(user, CAPABILITY).order_by("code")


def schedulable_topic_list_for(user):
    """Topics the user may put on a meeting: proposed, or scheduled but not yet decided."""
    return Topic.objects.visible_to(user, CAPABILITY).filter(status__in=["proposed", "scheduled"]).order_by("-id")


def origin_request_list_for(user):
    return ResidentRequest.objects.visible_to(user, CAPABILITY).order_by("-id")


def origin_visit_list_for(user):
    return Visit.objects.visible_to(user, CAPABILITY).exclude(needs="").order_by("-visited_at")


def origin_unit_list_for(user):
    return ResidentUnit.objects.visible_to(user, CAPABILITY).order_by("name")


def task_resource_list_for(user):
    """Resources a task's project may draw on: those of the three lists in the user's area."""
    return ResourceItem.objects.visible_to(user, Capability.MANAGE_LISTS).select_related("unit")


def published_decisions(community):
    """The community's published decisions for its public page: titles, decisions, dates and task progress, no one's personal data."""
    return (
        Topic.objects.filter(community=community, published_at__isnull=False, status__in=DECIDED)
        .select_related("meeting")
        .annotate(task_count=Count("tasks"), tasks_done=Count("tasks", filter=Q(tasks__status=Task.Status.DONE)))
        .order_by("-published_at", "-id")
    )


THROUGH = {Level.CITY: "community__district__city", Level.DISTRICT: "community__district", Level.STREET: "community__street", Level.COMMUNITY: "community"}


def deliberation_figures(node, start: dt.date, end: dt.date) -> list[dict]:
    """The dashboard's 议事协商 rows for a node and period, each a figure out of a named denominator, in five queries."""
    if node.LEVEL not in THROUGH:
        return []
    where = {THROUGH[node.LEVEL]: node.pk}
    since, until = days_window(start, end)
    topics = Topic.objects.filter(**where, created_at__gte=since, created_at__lt=until).aggregate(
        raised=Count("pk"), decided=Count("pk", filter=Q(decided_at__isnull=False))
    )
    published = Topic.objects.filter(**where, published_at__gte=since, published_at__lt=until).count()
    last = min(end, timezone.localdate())
    tasks = Task.objects.filter(**{f"topic__{key}": value for key, value in where.items()}, due_on__gte=start, due_on__lte=last).aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(status=Task.Status.DONE, done_on__lte=F("due_on")))
    )
    communities = 1 if node.LEVEL == Level.COMMUNITY else Community.objects.filter(**{THROUGH[node.LEVEL].removeprefix("community__"): node.pk}).count()
    months = (last.year - start.year) * 12 + last.month - start.month + 1 if last >= start else 0
    held = Meeting.objects.filter(**where, kind=Meeting.Kind.THREE_PARTY, held_on__gte=start, held_on__lte=last).count()
    rows = [
        ("raised", _("Topics raised"), topics["raised"], None, ""),
        ("decided", _("Topics decided"), topics["decided"], topics["raised"], _("topics raised in the period")),
        ("published", _("Decisions published"), published, None, ""),
        ("tasks_on_time", _("Follow-through tasks done on time"), tasks["on_time"], tasks["due"], _("tasks due in the period")),
        ("three_party", _("Three-party joint meetings held"), held, months * communities, _("months × communities")),
    ]
    return [
        {
            "key": key,
            "label": label,
            "numerator": numerator,
            "denominator": denominator,
            "denominator_label": denominator_label,
            "rate": round(100 * numerator / denominator, 1) if denominator else None,
        }
        for key, label, numerator, denominator, denominator_label in rows
    ]
