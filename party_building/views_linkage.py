"""The linkage page (包联): duties, records, joint meetings, who is behind; problems become requests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import form_cleaned
from governance.roles import Capability
from governance.scope import scope_for
from party_building import linkage, selectors
from party_building.forms import JointMeetingForm, LinkageRecordForm, ProblemToRequestForm
from party_building.models import LinkageRecord
from party_building.permissions import can_record_joint_meeting, can_see_all_linkage
from resident_requests.models import Category


def linkage_page(request):
    user = request.user
    mine = selectors.own_duty_list_for(user)
    viewer = can_see_all_linkage(user)
    if not viewer and not mine.exists():
        raise PermissionDenied
    if request.method == "POST":
        try:
            _act(request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("linkage")
    communities = list(selectors.linkage_community_list_for(user)[:100])
    context = {
        "state": linkage.compliance(selectors.duty_list_for(user), communities),
        "mine": mine,
        "records": selectors.record_list_for(user).prefetch_related(None)[:30],
        "meeting_communities": [c for c in communities if can_record_joint_meeting(user, c.ancestry())],
        "units": selectors.meeting_unit_list_for(user)[:200],
        "categories": Category.objects.filter(parent__isnull=True, active=True).order_by("sort_order"),
        "can_make_requests": not scope_for(user, Capability.HANDLE_REQUESTS).is_empty,
        "today": timezone.localdate(),
    }
    return render(request, "party_building/linkage.html", context)


def _act(request) -> None:
    post, user = request.POST, request.user
    action = post.get("action")
    if action == "record":
        data = form_cleaned(LinkageRecordForm(post, user=user))
        linkage.linkage_record(actor=user, community=data["duty"].community, **data)
    elif action == "meeting":
        data = form_cleaned(JointMeetingForm(post, user=user))
        linkage.linkage_record(actor=user, kind=LinkageRecord.Kind.JOINT_MEETING, **data)
    elif action == "to_request":
        record = selectors.record_for_request_get_for(user, post.get("record", ""))
        data = form_cleaned(ProblemToRequestForm(post))
        created = linkage.linkage_problem_to_request(actor=user, record=record, **data)
        messages.info(request, _("Request %(code)s registered.") % {"code": created.public_id})
    else:
        raise PermissionDenied
