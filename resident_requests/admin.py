from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyInline
from governance.admin_mixins import DistrictTableAdmin, ReadOnlyScopedAdmin
from governance.roles import Capability
from resident_requests.models import (
    AllianceMeeting,
    CalendarDay,
    CalendarYear,
    Category,
    Open311Partner,
    ResidentRequest,
    ServiceAttribute,
    TimeLimit,
    TimelineEntry,
)
from resident_requests.services.partners import open311_partner_key_issue, open311_partner_save


class ServiceAttributeInline(admin.TabularInline):
    """The questions Open311 callers answer for this service (attribute[code])."""

    model = ServiceAttribute
    extra = 0
    fields = ["order", "code", "description", "datatype", "required", "values"]


@admin.register(Category)
class CategoryAdmin(DistrictTableAdmin):
    list_display = ["__str__", "code", "sort_order", "max_extension_days", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    inlines = [ServiceAttributeInline]
    deletable = False


@admin.register(TimeLimit)
class TimeLimitAdmin(DistrictTableAdmin):
    list_display = ["category", "urgency", "stage", "amount", "unit"]
    list_filter = ["stage", "urgency", "unit"]
    list_select_related = ["category"]


@admin.register(CalendarDay)
class CalendarDayAdmin(DistrictTableAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        # A year without entered days falls back to Monday-Friday; say so where the days are kept.
        next_year = timezone.localdate().year + 1
        missing = [year for year in (next_year - 1, next_year) if not CalendarYear.objects.filter(year=year).exists()]
        if missing:
            self.message_user(
                request,
                _("No official holidays are entered for %(years)s: deadlines there count Monday to Friday only. Add the year's days and a calendar year.")
                % {"years": ", ".join(map(str, missing))},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(DistrictTableAdmin):
    list_display = ["year", "source"]


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "actor", "action", "from_status", "to_status", "level", "note"]
    readonly_fields = fields


@admin.register(ResidentRequest)
class ResidentRequestAdmin(ReadOnlyScopedAdmin):
    """Read-only: requests move only through the workflow services on the pages and API."""

    list_display = ["public_id", "category", "grid", "status", "level", "handler", "stage_deadline", "created_at"]
    list_filter = ["status", "level", "urgency", "source"]
    # A resident may read their tracking code to a cadre: it finds the request by exact match, and lists show only the number.
    search_fields = ["=public_id", "=tracking_code", "description"]
    list_select_related = ["category__parent", "grid", "handler"]
    date_hierarchy = "created_at"
    exclude = ["phone_enc", "phone_hash"]
    inlines = [TimelineInline]
    list_per_page = 50

    capability = Capability.VIEW_REQUESTS


@admin.register(AllianceMeeting)
class AllianceMeetingAdmin(ReadOnlyScopedAdmin):
    list_display = ["held_on", "street", "created_by"]
    list_select_related = ["street", "created_by"]
    filter_horizontal = ["units"]
    readonly_fields = ["created_by", "created_at"]

    capability = Capability.VIEW_REQUESTS


@admin.register(Open311Partner)
class Open311PartnerAdmin(DistrictTableAdmin):
    """Systems that post Open311 requests; a key is shown once, when the partner is created or a new key is issued."""

    list_display = ["name", "key_prefix", "key_issued_at", "hourly_limit", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    readonly_fields = ["key_prefix", "key_issued_at", "created_at"]
    filter_horizontal = ["services"]
    actions = ["issue_key"]
    # Requests name their channel: a partner is made inactive, never deleted.
    deletable = False

    def _show_key(self, request, partner, key):
        message = _("The key of %(name)s, shown only this once (store it now; it cannot be read again): %(key)s")
        self.message_user(request, message % {"name": partner.name, "key": key}, messages.WARNING)

    def save_model(self, request, obj, form, change):
        key = open311_partner_save(actor=request.user, partner=obj)
        if key:
            self._show_key(request, obj, key)

    @admin.action(description=_("Issue a new key (the old one stops working at once)"))
    def issue_key(self, request, queryset):
        for partner in queryset:
            self._show_key(request, partner, open311_partner_key_issue(actor=request.user, partner=partner))
