"""The duty list and 准入 pages (desk): the list by kind, the task register form, the community's tasks, the street's
approval queue and the overview of tasks in and off the list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import PERIODS, days_window
from core.forms import form_cleaned
from core.params import BadQuery, query_period
from duties import selectors, services
from duties.forms import DepartmentChangeForm, DepartmentForm, DutyChangeForm, DutyCopyForm, DutyCreateForm, TaskDecisionForm, TaskRegisterForm
from duties.lifecycle import TaskStatus
from duties.models import DutyKind
from duties.permissions import can_keep_departments, can_keep_list, can_see_duties, keeps_any_list

PAGE_SIZE = 30


def _require_duties(user) -> None:
    if not can_see_duties(user):
        raise PermissionDenied


def _id_param(params, name: str) -> int | None:
    value = params.get(name, "")
    if value == "":
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise BadQuery(_("Choose from the list."))
    return int(value)


def _saved_or_error(request, act) -> bool:
    """Run a page action; a refusal becomes the page's error message, as the form would show it."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, _("Saved."))
    return True


def duty_list(request):
    """A community's duty list by kind; the street keeps it here (add, change, take off, copy the district's template)."""
    user = request.user
    _require_duties(user)
    communities = selectors.community_list_for(user)
    chosen = _id_param(request.GET, "community")
    community = (communities.filter(pk=chosen) if chosen else communities).first()
    if chosen and community is None:
        raise Http404
    keeps = community is not None and can_keep_list(user, community.ancestry())
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied
        _saved_or_error(request, lambda: _duty_act(request, community))
        return redirect(f"{reverse('duty-list')}?community={community.pk}")
    duties = list(selectors.duty_list_for(user).filter(community=community)) if community else []
    context = {
        "community": community,
        "communities": communities[:200],
        "keeps": keeps,
        "by_kind": [(label, [d for d in duties if d.kind == kind]) for kind, label in DutyKind.choices],
        "kinds": DutyKind.choices,
        "departments": selectors.department_list_for(user).filter(active=True),
        "templates": selectors.template_list_for(user).count() if keeps else 0,
    }
    return render(request, "duties/duty_list.html", context)


def _duty_act(request, community) -> None:
    user, post = request.user, request.POST
    action = post.get("action")
    if action == "add":
        services.duty_create(actor=user, **form_cleaned(DutyCreateForm(post, user=user)))
    elif action == "change":
        duty = selectors.duty_get_for(user, post.get("duty", ""))
        services.duty_update(actor=user, duty=duty, **form_cleaned(DutyChangeForm(post, user=user)))
    elif action == "copy":
        copied = services.duty_list_copy(actor=user, **form_cleaned(DutyCopyForm(post, user=user)))
        messages.info(request, _("%(count)d duties copied from the district's template list.") % {"count": copied})
    else:
        raise PermissionDenied


def task_list(request):
    """The tasks pushed down to the user's communities, newest first, by status and community."""
    user = request.user
    _require_duties(user)
    tasks = selectors.task_list_for(user)
    status = request.GET.get("status", "")
    if status and status not in TaskStatus.values:
        raise BadQuery(_("Choose the status from the list."))
    community = _id_param(request.GET, "community")
    if status:
        tasks = tasks.filter(status=status)
    if community:
        tasks = tasks.filter(community_id=community)
    context = {
        "page": Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page")),
        "statuses": TaskStatus.choices,
        "status": status,
        "communities": selectors.community_list_for(user)[:200],
        "community": community,
    }
    return render(request, "duties/task_list.html", context)


def task_register(request):
    user = request.user
    _require_duties(user)
    initial = {"received_on": timezone.localdate()}
    communities = selectors.community_list_for(user)
    if len(communities[:2]) == 1:
        initial["community"] = communities[0].pk
    form = TaskRegisterForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_register(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Registered: %(status)s.") % {"status": task.get_status_display()})
            return redirect("duty-task", pk=task.pk)
    return render(request, "duties/task_register.html", {"form": form})


def _decide(request, task) -> bool:
    return _saved_or_error(request, lambda: services.task_decide(actor=request.user, task=task, **form_cleaned(TaskDecisionForm(request.POST))))


def task_detail(request, pk):
    user = request.user
    _require_duties(user)
    task = selectors.task_get_for(user, pk)
    may_decide = task.status == TaskStatus.PENDING and can_keep_list(user, task.ancestry())
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        _decide(request, task)
        return redirect("duty-task", pk=task.pk)
    context = {
        "task": task,
        "history": task.history.select_related("actor"),
        "may_decide": may_decide,
        "decisions": TaskDecisionForm.base_fields["decision"].choices,
    }
    return render(request, "duties/task_detail.html", context)


def approvals(request):
    """The street's queue: tasks off the list awaiting its decision, oldest first, decided in place; the community sees its own waiting."""
    user = request.user
    _require_duties(user)
    if request.method == "POST":
        _decide(request, selectors.task_get_for(user, request.POST.get("task", "")))
        return redirect("duty-approvals")
    context = {
        "page": Paginator(selectors.approval_queue_for(user), PAGE_SIZE).get_page(request.GET.get("page")),
        "decide": keeps_any_list(user),
        "decisions": TaskDecisionForm.base_fields["decision"].choices,
    }
    return render(request, "duties/approvals.html", context)


def overview(request):
    """Tasks in, on the list, off the list approved and refused, for the user's district or street and each unit below;
    the district keeps its departments here."""
    user = request.user
    _require_duties(user)
    node = selectors.overview_node_for(user)
    if node is None:
        raise Http404
    district = selectors.department_district_for(user)
    if request.method == "POST":
        if district is None or not can_keep_departments(user, district.pk):
            raise PermissionDenied
        _saved_or_error(request, lambda: _department_act(request, district))
        return redirect("duty-overview")
    period, start, end = query_period(request.GET, today=timezone.localdate())
    since, until = days_window(start, end)
    context = {
        "node": node,
        "figures": selectors.task_figures(node, since=since, until=until),
        "period": period,
        "periods": PERIODS,
        "start": start,
        "end": end,
        "district": district,
        "departments": selectors.department_list_for(user) if district else [],
    }
    return render(request, "duties/overview.html", context)


def _department_act(request, district) -> None:
    user, post = request.user, request.POST
    if post.get("action") == "add":
        services.department_create(actor=user, district=district, **form_cleaned(DepartmentForm(post)))
    elif post.get("action") == "change":
        department = selectors.department_get_for(user, post.get("department", ""))
        services.department_update(actor=user, department=department, **form_cleaned(DepartmentChangeForm(post)))
    else:
        raise PermissionDenied
