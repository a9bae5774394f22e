"""Excel template download, all-or-nothing import with a per-row problem report, and export of any filtered ledger list."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.forms import PurposeForm
from governance.roles import Capability
from governance.scope import get_in_scope_or_404, scope_for
from governance.services import personal_data_export_log
from households.excel import EXPORT_FIELDS, MAX_ROWS, errors_workbook, export_workbook, read_rows, template_workbook
from households.imports import import_building_for, import_grids_for, import_run_get_for, ledger_import, ledger_import_refuse
from households.models import Household
from households.permissions import can_edit_anywhere, can_reveal_anywhere, export_scope_q
from households.views import ledger_filtered

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 20000
PROBLEMS_PER_PAGE = 100


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _require_editor(user) -> None:
    if not can_edit_anywhere(user):
        raise PermissionDenied(_("Your role does not allow changing this household."))


class ImportForm(forms.Form):
    # A plain number, not a choice: a grid outside the list must reach the scoped lookup and answer 404.
    grid = forms.IntegerField(label=gettext_lazy("Grid"), widget=forms.Select)
    building = forms.IntegerField(
        label=gettext_lazy("Only this building (optional)"),
        required=False,
        min_value=1,
        max_value=32767,
        help_text=gettext_lazy("The building's number in the grid; leave empty to import the whole grid."),
    )
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}))

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most 5 MB and %(rows)d rows.") % {"rows": MAX_ROWS}
        self.fields["grid"].widget.choices = [(grid.pk, grid.full_name) for grid in grids]


def ledger_template(request):
    _require_editor(request.user)
    return _xlsx(template_workbook(), "household-template.xlsx")


def ledger_import_view(request):
    user = request.user
    grids = list(import_grids_for(user)[:1000])
    if not grids:
        raise PermissionDenied(_("Your role does not allow changing this household."))
    form = ImportForm(request.POST or None, request.FILES or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        grid = get_in_scope_or_404(import_grids_for(user), pk=form.cleaned_data["grid"])
        building = None
        if form.cleaned_data["building"]:
            building = import_building_for(user, grid, form.cleaned_data["building"])
            if building is None:
                form.add_error("building", _("No building with this number in the chosen grid, or not one you may edit."))
        upload = form.cleaned_data["file"]
        if not form.errors:
            try:
                rows = read_rows(upload)
            except ValidationError as exc:
                ledger_import_refuse(actor=user, grid=grid, building=building, file_name=upload.name, problems=exc.messages)
                form.add_error("file", exc.messages)
            else:
                # The result page says what happened: imported, or refused with its problems.
                run = ledger_import(actor=user, grid=grid, building=building, rows=rows, file_name=upload.name)
                return redirect("ledger-import-result", pk=run.pk)
    return render(request, "households/excel_import.html", {"form": form})


def ledger_import_result(request, pk):
    run = import_run_get_for(request.user, pk)
    page = Paginator(run.errors, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "households/excel_result.html", {"run": run, "page": page})


def ledger_import_errors(request, pk):
    run = import_run_get_for(request.user, pk)
    return _xlsx(errors_workbook(run), f"import-{run.pk}-problems.xlsx")


def _filtered(request):
    """The household list page's filters, read the same way, narrowed to where the user may export.

    An invalid filter (e.g. a sensitive tag the user may not filter by) refuses the export instead of dropping the filter.
    """
    export_q = export_scope_q(request.user)
    households = ledger_filtered(request)[1]
    return None if households is None else households.filter(export_q)


def _back_to_list(request, message: str):
    """Back to the list with the same filters, scrolled to the filter form where they are changed."""
    messages.error(request, message)
    return redirect(f"{reverse('household-list')}?{request.GET.urlencode()}#filters")


def ledger_export(request):
    """GET exports masked values; POST with a reason exports full values, for those who may reveal every exported household."""
    user = request.user
    households = _filtered(request)
    if households is None:
        return _back_to_list(request, _("These filters cannot be exported; change them on the list and export again."))
    unmasked, purpose = False, {}
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if not form.is_valid():
            return render(request, "households/excel_export.html", {"form": form, "query": request.GET.urlencode(), "can_reveal": True})
        reveal = scope_for(user, Capability.REVEAL_PERSONAL)
        if reveal.is_empty or households.exclude(reveal.q(Household)).exists():
            raise PermissionDenied(_("Your role does not allow revealing personal data for every household in this list."))
        unmasked, purpose = True, form.cleaned_data
    total = households.count()
    if total > EXPORT_LIMIT:
        return _back_to_list(
            request,
            _("%(count)d households match, more than the %(max)d one export may hold: choose a street or a community in the filters below, then export again.")
            % {"count": total, "max": EXPORT_LIMIT},
        )
    export = export_workbook(user, households, unmasked=unmasked)
    personal_data_export_log(
        actor=user,
        description=_("Household ledger export (%(filters)s)") % {"filters": request.GET.urlencode() or _("all")},
        rows=export.rows,
        fields=EXPORT_FIELDS,
        unmasked=unmasked,
        ancestry=export.ancestry,
        **purpose,
    )
    name = f"households-{'full-' if unmasked else ''}{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(export.file, as_attachment=True, filename=name, content_type=XLSX)


def ledger_export_form(request):
    """The page asking for the reason of a full export; without the right to reveal it says so instead."""
    export_scope_q(request.user)
    can_reveal = can_reveal_anywhere(request.user)
    return render(request, "households/excel_export.html", {"form": PurposeForm(), "query": request.GET.urlencode(), "can_reveal": can_reveal})
