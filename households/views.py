from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import file_response
from core.forms import RenderedOnce
from governance import selectors as governance_selectors
from governance.forms import PurposeForm, form_add_service_errors
from governance.models import AuditEntry
from governance.roles import Capability, Level
from governance.scope import scope_for
from governance.services import DailyLimitReached, personal_data_reveal
from households import selectors, services
from households.forms import ArchiveForm, HouseholdFilterForm, HouseholdForm, ResidentForm, VisitForm
from households.permissions import can_edit, can_reveal, can_see_birth_date, can_see_sensitive, can_see_sensitive_anywhere, can_view

PAGE_SIZE = 30


def ledger_filtered(request):
    """The ledger list's filters (place, words, tag, building) read from the query, and the households they select.

    Invalid filters (a place outside the user's area, a sensitive tag they may not filter by) select nothing, never the whole list.
    """
    form = HouseholdFilterForm(request.GET, user=request.user, sensitive_ok=can_see_sensitive_anywhere(request.user))
    if not form.is_valid():
        return form, None
    building = request.GET.get("building", "")
    households = selectors.household_search(
        request.user,
        q=form.cleaned_data["q"],
        tag=form.cleaned_data["tag"],
        building=int(building) if building.isdecimal() else None,
        **form.place_filters(),
    )
    return form, households


def household_list(request):
    form, households = ledger_filtered(request)
    page = Paginator(households if households is not None else [], PAGE_SIZE).get_page(request.GET.get("page"))
    sensitive_scope = scope_for(request.user, Capability.VIEW_SENSITIVE)
    rows = [(household, [tag for tag in household.tags.all() if not tag.sensitive or sensitive_scope.contains(household.ancestry())]) for household in page]
    return render(request, "households/household_list.html", {"form": form, "page": page, "rows": rows})


def building_households(request, pk):
    building = governance_selectors.node_get_for(request.user, Level.BUILDING, pk)
    households = list(selectors.building_households(request.user, building))
    sensitive_ok = can_see_sensitive(request.user, building.ancestry())
    floors: dict[int, list] = {}
    for household in households:
        tags = {tag.pk: tag for tag in household.tags.all()}
        for resident in household.residents.all():
            tags.update({tag.pk: tag for tag in resident.tags.all()})
        shown = [tag for tag in sorted(tags.values(), key=lambda t: t.sort_order) if sensitive_ok or not tag.sensitive]
        floors.setdefault(household.floor, []).append((household, shown))
    context = {
        "building": building,
        "floors": sorted(floors.items(), key=lambda item: -item[0]),
        "count": len(households),
        "can_edit": can_edit(request.user, building.ancestry()),
        "can_read": can_view(request.user, building.ancestry()),
    }
    return render(request, "households/building.html", context)


def household_detail(request, pk):
    household = selectors.household_get_for(request.user, pk)
    ancestry = household.ancestry()
    sensitive_ok = can_see_sensitive(request.user, ancestry)
    members = list(selectors.members_of(household))
    visits = Paginator(selectors.visits_of(request.user, household), 10).get_page(request.GET.get("visits"))
    history = governance_selectors.record_history_for(request.user, household, members)[:30]
    context = {
        "household": household,
        "tags": selectors.visible_tags(request.user, ancestry, household.tags.all()),
        "members": [(member, selectors.visible_tags(request.user, ancestry, member.tags.all())) for member in members],
        "visits": visits,
        "history": history,
        "sensitive_ok": sensitive_ok,
        "birth_date_ok": can_see_birth_date(request.user, ancestry),
        "can_edit": can_edit(request.user, ancestry) and household.status == household.Status.ACTIVE,
        "can_reveal": can_reveal(request.user, ancestry),
        "reveal_form": RenderedOnce(PurposeForm(auto_id=False)),
        "AuditEntry": AuditEntry,
        "linked_members": [link.volunteer for link in household.volunteer_links.select_related("volunteer")],
    }
    return render(request, "households/household_detail.html", context)


def household_create(request, building):
    building = governance_selectors.node_get_for(request.user, Level.BUILDING, building)
    if not can_edit(request.user, building.ancestry()):
        raise PermissionDenied
    sensitive_ok = can_see_sensitive(request.user, building.ancestry())
    form = HouseholdForm(request.POST or None, sensitive_ok=sensitive_ok)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            household = services.household_create(actor=request.user, building=building, phone=data.pop("phone"), tags=list(data.pop("tags")), **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Household registered. Now add its members."))
            return redirect("resident-create", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "building": building, "title": _("Register a household")})


def household_edit(request, pk):
    household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
    sensitive_ok = can_see_sensitive(request.user, household.ancestry())
    form = HouseholdForm(request.POST or None, instance=household, sensitive_ok=sensitive_ok)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.household_update(actor=request.user, household=household, phone=form.cleaned_data["phone"] or None, **data)
            services.household_set_tags(actor=request.user, household=household, tags=list(form.cleaned_data["tags"]))
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Household saved."))
            return redirect("household-detail", pk=household.pk)
    return render(
        request, "households/household_form.html", {"form": form, "building": household.building, "household": household, "title": _("Edit household")}
    )


def household_archive(request, pk):
    household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_archive(actor=request.user, household=household, moved_out_on=form.cleaned_data["moved_out_on"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The household is archived with its history."))
            return redirect("household-detail", pk=household.pk)
    context = {"form": form, "title": _("Household moved out"), "subtitle": str(household), "back": reverse("household-detail", args=[household.pk])}
    return render(request, "households/simple_form.html", context)


def _resident_form_view(request, household, resident=None):
    sensitive_ok = can_see_sensitive(request.user, household.ancestry())
    birth_date_ok = can_see_birth_date(request.user, household.ancestry())
    form = ResidentForm(request.POST or None, instance=resident, sensitive_ok=sensitive_ok, birth_date_ok=birth_date_ok)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tags = list(data.pop("tags"))
        id_number, phone = data.pop("id_number"), data.pop("phone")
        try:
            if resident is None:
                resident, warnings = services.resident_create(actor=request.user, household=household, id_number=id_number, phone=phone, tags=tags, **data)
            else:
                resident, warnings = services.resident_update(actor=request.user, resident=resident, id_number=id_number or None, phone=phone or None, **data)
                services.resident_set_tags(actor=request.user, resident=resident, tags=tags)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(name)s saved.") % {"name": resident.name})
            if "add_another" in request.POST:
                return redirect("resident-create", pk=household.pk)
            return redirect("household-detail", pk=household.pk)
    title = _("Add a member") if resident is None else _("Edit member")
    return render(request, "households/resident_form.html", {"form": form, "household": household, "resident": resident, "title": title})


def resident_create(request, pk):
    household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
    return _resident_form_view(request, household)


def resident_edit(request, pk):
    resident = selectors.resident_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
    return _resident_form_view(request, resident.household, resident)


def visit_create(request, pk):
    household = selectors.household_get_for(request.user, pk, capability=Capability.EDIT_LEDGER)
    form = VisitForm(request.POST or None, request.FILES or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            form.photos_release()
            if visit.needs_review:
                messages.warning(request, _("The household was archived before this visit arrived: the visit is kept for the community to review."))
            else:
                messages.success(request, _("Visit recorded."))
            return redirect("household-detail", pk=household.pk)
    return render(request, "households/visit_form.html", {"form": form, "household": household})


def visit_photo(request, pk):
    """A visit's photo, for whoever may read the household's ledger."""
    return file_response(selectors.visit_get_for(request.user, pk).photo)


def _reveal(request, instance, household):
    form = PurposeForm(request.POST, auto_id=False)
    values = None
    if form.is_valid():
        try:
            values = personal_data_reveal(actor=request.user, instance=instance, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except DailyLimitReached as exc:
            form.add_error(None, str(exc))
    # htmx swaps the fragment in place; without JavaScript the same fragment comes inside a full page.
    template = "households/reveal.html" if request.headers.get("HX-Request") else "households/reveal_page.html"
    return render(request, template, {"form": form, "values": values, "instance": instance, "household": household})


@require_POST
def household_reveal(request, pk):
    household = selectors.household_get_for(request.user, pk)
    return _reveal(request, household, household)


@require_POST
def resident_reveal(request, pk):
    resident = selectors.resident_get_for(request.user, pk)
    return _reveal(request, resident, resident.household)
