import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST

from config.celery_app import app
from core.files import file_response
from core.params import BadQuery
from governance import selectors
from governance.forms import PersonCreateForm, RoleGrantForm, form_add_service_errors
from governance.held_photos import photos_held
from governance.permissions import can_reset_password, can_revoke, grantable_roles, has_capability
from governance.roles import ROLE_LEVEL, Capability, Level
from governance.services import membership_grant, membership_revoke, user_create, user_password_change, user_password_reset

PAGE_SIZE = 30


def _level_or_404(level: str) -> str:
    if level not in Level.values:
        raise Http404
    return level


def org_root(request):
    level, nodes = selectors.top_nodes_for(request.user)
    nodes = list(nodes[:50])
    if len(nodes) == 1:
        return redirect("org-node", level=level, pk=nodes[0].pk)
    return render(request, "governance/org_root.html", {"level": level, "nodes": nodes})


def org_node(request, level, pk):
    level = _level_or_404(level)
    node = selectors.node_get_for(request.user, level, pk)
    children = selectors.child_list_for(request.user, node)
    holders = selectors.holders_at(request.user, node)
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page")) if children is not None else None
    context = {
        "node": node,
        "level": level,
        "counts": selectors.node_counts(node),
        "holders": holders,
        "revocable": {membership.pk for membership in holders if can_revoke(request.user, membership)},
        "page": page,
        "child_level": selectors.CHILD_LEVEL.get(level),
        "grantable": grantable_roles(request.user, node.ancestry(), level),
        "breadcrumbs": selectors.ancestor_list_for(request.user, node),
    }
    if level == Level.COMMUNITY:
        context["resident_units"] = selectors.resident_unit_list_for(request.user).filter(community=node)[:50]
    if level == Level.BUILDING:
        context["central_households"] = selectors.central_household_list_for(request.user).filter(building=node)
    return render(request, "governance/org_node.html", context)


def _node_for_people(request, level, pk):
    level = _level_or_404(level)
    node = selectors.node_get_for(request.user, level, pk)
    roles = grantable_roles(request.user, node.ancestry(), level)
    if not roles:
        raise PermissionDenied
    return level, node, roles


def person_create(request, level, pk):
    level, node, roles = _node_for_people(request, level, pk)
    form = PersonCreateForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(actor=request.user, node=node, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Account %(user)s created with its role.") % {"user": user})
            return redirect("org-node", level=level, pk=node.pk)
    return render(request, "governance/person_form.html", {"form": form, "node": node, "title": _("Add a person")})


def role_grant(request, level, pk):
    level, node, roles = _node_for_people(request, level, pk)
    form = RoleGrantForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        # Only accounts already holding a role in the granter's area are found; someone from elsewhere gets a role from above.
        user = selectors.user_find_for(request.user, form.cleaned_data["identifier"].strip())
        if user is None:
            form.add_error("identifier", _("No account in your area has this username or mobile number."))
        else:
            try:
                membership_grant(actor=request.user, user=user, role=form.cleaned_data["role"], node=node, unit_label=form.cleaned_data["unit_label"])
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("Role granted to %(user)s.") % {"user": user})
                return redirect("org-node", level=level, pk=node.pk)
    return render(request, "governance/person_form.html", {"form": form, "node": node, "title": _("Grant a role")})


@require_POST
def role_revoke(request, pk):
    membership = selectors.membership_get_for(request.user, pk)
    node = membership.node
    try:
        membership_revoke(actor=request.user, membership=membership)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("org-node", level=ROLE_LEVEL[membership.role], pk=node.pk)


def _person_for_manager(request, pk):
    if not has_capability(request.user, Capability.MANAGE_PEOPLE):
        raise PermissionDenied
    person = selectors.user_get_for(request.user, pk)
    memberships = list(selectors.membership_list_for(request.user).filter(user=person))
    return person, memberships


def person_detail(request, pk):
    person, memberships = _person_for_manager(request, pk)
    context = {"person": person, "memberships": memberships, "can_reset": can_reset_password(request.user, person, selectors.membership_list_of(person))}
    return render(request, "governance/person_detail.html", context)


@never_cache
@require_POST
def person_password_reset(request, pk):
    """The temporary password is shown in this answer only: it is neither stored in clear nor sent by a redirect."""
    person, memberships = _person_for_manager(request, pk)
    temporary = user_password_reset(actor=request.user, user=person)
    return render(request, "governance/person_detail.html", {"person": person, "memberships": memberships, "temporary_password": temporary})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Own password change, through the service that clears the must-change flag, deletes API tokens and audits."""

    def form_valid(self, form):
        user_password_change(user=self.request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        return redirect(self.get_success_url())


def audit_list(request):
    if not has_capability(request.user, Capability.VIEW_AUDIT):
        raise PermissionDenied
    page = Paginator(selectors.audit_list_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "governance/audit_list.html", {"page": page})


# The cache and broker checks together may take this long; a frozen Redis answers nothing, so waiting longer says nothing more.
HEALTH_CHECK_SECONDS = 1.5
# Kept across calls so that each of its threads reuses its cache connection; two calls at once do not wait for each other.
_health_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


def _database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_check() -> None:
    cache.get("healthz")


def _broker_check() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=HEALTH_CHECK_SECONDS)


def _outcome(check, deadline: float) -> str:
    try:
        check.result(timeout=max(0.0, deadline - time.monotonic()))
    except FuturesTimeout:
        return "error: no answer"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy, and the class name says which
        return f"error: {type(exc).__name__}"
    return "ok"


@login_not_required
@require_GET
def healthz(request):
    """200 when the database, the cache and the broker answer, 503 otherwise naming which; no login, no personal data.

    The cache and the broker are asked in threads while the database is asked here (its connection belongs to this
    thread), so a frozen Redis costs HEALTH_CHECK_SECONDS at most, not the sum of the socket timeouts.
    """
    deadline = time.monotonic() + HEALTH_CHECK_SECONDS
    checks = {"cache": _health_pool.submit(_cache_check), "broker": _health_pool.submit(_broker_check)}
    status = {"database": "ok"}
    try:
        _database_check()
    except Exception as exc:  # noqa: BLE001 - as in _outcome
        status["database"] = f"error: {type(exc).__name__}"
    status.update({name: _outcome(check, deadline) for name, check in checks.items()})
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse({"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503)


@requires_csrf_token
def bad_request(request, exception):
    """400: says what was wrong when the message is ours (BadQuery), nothing about any other bad request; the API keeps its error shape."""
    message = str(exception) if isinstance(exception, BadQuery) else _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "extra": {}}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


@login_not_required
@require_GET
def held_photo(request, token):
    """The thumbnail of a photo kept for a form, to the browser session that chose it; to anyone else it does not exist."""
    held = photos_held(request=request, tokens=[token])
    if not held:
        raise Http404
    return file_response(held[0].thumbnail)


class LogoutView(auth_views.LogoutView):
    """Logging out also makes the browser drop every page and offline queue it kept for this site (the field app)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
