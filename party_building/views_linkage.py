"""The linkage page (包联): duties, records, joint meetings, who is behind; problems become requests."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Community, ResidentUnit
from governance.roles import Capability
from governance.scope import scope_for
from party_building import linkage
from party_building.models import LinkageDuty, LinkageRecord
from party_building.permissions import can_record_joint_meeting, can_see_all_linkage
from resident_requests.models import Category


def linkage_page(request):
    user = request.user
    mine = LinkageDuty.objects.filter(user=user).select_related("community")
    viewer = can_see_all_linkage(user)
    if not viewer and not mine.exists():
        raise PermissionDenied
    if request.method == "POST":
        try:
            _act(request, mine)
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [_("Enter a valid date.")])))
        else:
            messages.success(request, _("Saved."))
        return redirect("linkage")
    duties = LinkageDuty.objects.visible_to(user, Capability.VIEW_HIERARCHY) if viewer else mine
    communities = list(Community.objects.visible_to(user, Capability.VIEW_HIERARCHY).order_by("code")[:100]) if viewer else [d.community for d in mine]
    context = {
        "state": linkage.compliance(duties, communities),
        "mine": mine,
        "records": LinkageRecord.objects.filter(community__in=communities).select_related("community", "duty__user")[:30],
        "meeting_communities": [c for c in communities if can_record_joint_meeting(user, c.ancestry())],
        "units": ResidentUnit.objects.visible_to(user, Capability.MANAGE_LINKAGE).order_by("name")[:200],
        "categories": Category.objects.filter(parent__isnull=True, active=True).order_by("sort_order"),
        "can_make_requests": not scope_for(user, Capability.HANDLE_REQUESTS).is_empty,
        "today": timezone.localdate(),
    }
    return render(request, "party_building/linkage.html", context)


def _act(request, mine) -> None:
    post, user = request.POST, request.user
    action = post.get("action")
    if action == "record":
        duty = mine.filter(pk=post.get("duty") or 0).first()
        if duty is None:
            raise PermissionDenied
        linkage.linkage_record(
            actor=user,
            community=duty.community,
            duty=duty,
            kind=post.get("kind", ""),
            held_on=dt.date.fromisoformat(post.get("held_on", "")),
            people=post.get("people", ""),
            topics=post.get("topics", ""),
            problems=post.get("problems", ""),
        )
    elif action == "meeting":
        community = Community.objects.visible_to(user, Capability.MANAGE_LINKAGE).filter(pk=post.get("community") or 0).first()
        if community is None:
            raise PermissionDenied
        units = ResidentUnit.objects.visible_to(user, Capability.MANAGE_LINKAGE).filter(pk__in=post.getlist("units"))
        linkage.linkage_record(
            actor=user,
            community=community,
            kind=LinkageRecord.Kind.JOINT_MEETING,
            held_on=dt.date.fromisoformat(post.get("held_on", "")),
            people=post.get("people", ""),
            topics=post.get("topics", ""),
            problems=post.get("problems", ""),
            units=list(units),
        )
    elif action == "to_request":
        record = LinkageRecord.objects.visible_to(user, Capability.HANDLE_REQUESTS).filter(pk=post.get("record") or 0).first()
        category = Category.objects.filter(pk=post.get("category") or 0, active=True).first()
        if record is None or category is None:
            raise PermissionDenied
        created = linkage.linkage_problem_to_request(actor=user, record=record, problem=post.get("problem", ""), category=category)
        messages.info(request, _("Request %(code)s registered.") % {"code": created.public_id})
    else:
        raise PermissionDenied
