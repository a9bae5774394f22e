from django.contrib import admin

from governance.admin_mixins import DistrictTableAdmin, ReadOnlyScopedAdmin
from governance.roles import Capability
from oversight.models import AssessmentPlan, Indicator, MonthlyReport


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(AssessmentPlan)
class AssessmentPlanAdmin(DistrictTableAdmin):
    """The district sets each year's indicators and weights."""

    list_display = ["year", "min_requests"]
    inlines = [IndicatorInline]
    view_capability = Capability.VIEW_OVERSIGHT
    deletable = False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyScopedAdmin):
    capability = Capability.VIEW_OVERSIGHT
    list_display = ["title", "month", "created_at"]
    date_hierarchy = "month"
