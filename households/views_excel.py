"""Excel template download, all-or-nothing import with a per-row error report, and export of any filtered list."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.roles import Capability
from governance.scope import get_in_scope_or_404, scope_for
from governance.services import personal_data_export_log
from grids.models import Grid
from households import selectors
from households.excel import errors_workbook, export_workbook, template_workbook
from households.imports import ledger_import
from households.models import ImportRun, Resident

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 20000


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ImportForm(forms.Form):
    grid = forms.TypedChoiceField(label=gettext_lazy("Grid"), coerce=int)
    building = forms.IntegerField(label=gettext_lazy("Only this building number (optional)"), required=False, min_value=1)
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [(grid.pk, f"{grid.community.name} {grid.name}") for grid in grids]


class ExportForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for full ID numbers and phones (logged)"), min_length=4, max_length=200)


def ledger_template(request):
    return _xlsx(template_workbook(), "household-template.xlsx")


def ledger_import_view(request):
    grids = Grid.objects.visible_to(request.user, Capability.EDIT_LEDGER).select_related("community")[:500]
    form = ImportForm(request.POST or None, request.FILES or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        grid = get_in_scope_or_404(Grid.objects.visible_to(request.user, Capability.EDIT_LEDGER), pk=form.cleaned_data["grid"])
        building = None
        if form.cleaned_data["building"]:
            building = grid.buildings.filter(number=form.cleaned_data["building"]).first()
            if building is None:
                form.add_error("building", _("No building with this number in the chosen grid or building."))
        if not form.errors:
            try:
                run = ledger_import(actor=request.user, grid=grid, building=building, uploaded=form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                if run.status == ImportRun.Status.SUCCEEDED:
                    messages.success(
                        request,
                        _("%(households)d households and %(residents)d residents imported.") % {"households": run.households, "residents": run.residents},
                    )
                else:
                    messages.error(
                        request, _("Nothing was imported: the file has %(count)d problems. Correct them and upload it again.") % {"count": len(run.errors)}
                    )
                return redirect("ledger-import-result", pk=run.pk)
    return render(request, "households/excel_import.html", {"form": form})


def _run_for(request, pk) -> ImportRun:
    return get_in_scope_or_404(ImportRun.objects.visible_to(request.user, Capability.EDIT_LEDGER).select_related("grid", "building", "user"), pk=pk)


def ledger_import_result(request, pk):
    run = _run_for(request, pk)
    return render(request, "households/excel_result.html", {"run": run, "errors": run.errors[:500]})


def ledger_import_errors(request, pk):
    run = _run_for(request, pk)
    return _xlsx(errors_workbook(run.errors), f"import-{run.pk}-errors.xlsx")


def ledger_export(request):
    """GET exports masked values; POST with a reason exports full values for those allowed to reveal them."""
    user = request.user
    if scope_for(user, Capability.EXPORT_LEDGER).is_empty and scope_for(user, Capability.EDIT_LEDGER).is_empty:
        raise PermissionDenied
    params = request.GET
    households = selectors.household_search(
        user, q=params.get("q", ""), tag=params.get("tag", ""), grid=int(params["grid"]) if params.get("grid", "").isdigit() else None
    )
    unmasked, reason = False, ""
    if request.method == "POST":
        form = ExportForm(request.POST)
        if not form.is_valid():
            return render(request, "households/excel_export.html", {"form": form, "query": params.urlencode()})
        reveal_scope = scope_for(user, Capability.REVEAL_PERSONAL)
        if households.exclude(reveal_scope.q(households.model)).exists() or reveal_scope.is_empty:
            raise PermissionDenied(_("Your role does not allow revealing personal data."))
        unmasked, reason = True, form.cleaned_data["reason"]
    total = households.count()
    if total > EXPORT_LIMIT:
        messages.error(
            request,
            _("%(count)d households match; narrow the list (by grid or tag) to at most %(max)d before exporting.") % {"count": total, "max": EXPORT_LIMIT},
        )
        return redirect(f"{reverse('household-list')}?{params.urlencode()}")
    households = households.prefetch_related(
        Prefetch("residents", queryset=Resident.objects.filter(moved_out_on__isnull=True).prefetch_related("tags").order_by("id"))
    )
    content, rows = export_workbook(households, unmasked=unmasked, sensitive_scope=scope_for(user, Capability.VIEW_SENSITIVE))
    fields = ["name", "id_number", "phone", "household_phone"]
    personal_data_export_log(
        actor=user,
        description=_("Household ledger export (%(filters)s)") % {"filters": params.urlencode() or _("all")},
        rows=rows,
        fields=fields,
        unmasked=unmasked,
        reason=reason,
    )
    return _xlsx(content, f"households-{timezone.localdate():%Y%m%d}.xlsx")


def ledger_export_form(request):
    return render(request, "households/excel_export.html", {"form": ExportForm(), "query": request.GET.urlencode()})


urlpatterns = [
    path("template/", ledger_template, name="ledger-template"),
    path("import/", ledger_import_view, name="ledger-import"),
    path("import/<int:pk>/", ledger_import_result, name="ledger-import-result"),
    path("import/<int:pk>/errors.xlsx", ledger_import_errors, name="ledger-import-errors"),
    path("export/", ledger_export, name="ledger-export"),
    path("export/full/", ledger_export_form, name="ledger-export-full"),
]
