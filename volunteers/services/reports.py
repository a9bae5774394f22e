"""Dual reports (双报告): a member's half-year and a unit's year, generated from the records and reviewed by the community."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from volunteers.models import DualReport, ReportingUnit, ReviewStatus, Volunteer
from volunteers.selectors import member_figures
from volunteers.services.common import audit_created, audit_status, require_manager


@transaction.atomic
def report_generate(*, actor, start: dt.date, end: dt.date, volunteer: Volunteer | None = None, unit: ReportingUnit | None = None) -> DualReport:
    """Generate a member's or a unit's report from the records; the community reviews it before it is sent."""
    subject = volunteer or unit
    if subject is None or end < start:
        raise ValidationError(_("Choose a member or a unit and a valid period."))
    require_manager(actor, subject.ancestry())
    if volunteer is not None:
        figures = member_figures(volunteer, start=start, end=end)
        addressed = volunteer.party_branch or (volunteer.work_unit.party_org_name if volunteer.work_unit else "") or volunteer.work_unit_name
        subject_fields = {"kind": DualReport.Kind.MEMBER, "community": volunteer.community, "volunteer": volunteer}
    else:
        members = [member_figures(member, start=start, end=end) for member in unit.members.filter(status=ReviewStatus.CONFIRMED)]
        figures = {
            "members": len(members),
            "hours": str(sum((Decimal(m["hours"]) for m in members), Decimal(0))),
            "activities": sum(m["activities"] for m in members),
            "wishes": sum(m["wishes"] for m in members),
            "households": sum(m["households"] for m in members),
            "resources": unit.resources,
        }
        addressed = unit.party_org_name
        subject_fields = {"kind": DualReport.Kind.UNIT, "community": unit.community, "unit": unit}
    report = DualReport.objects.create(**subject_fields, period_start=start, period_end=end, figures=figures, addressed_to=addressed[:100])
    audit_created(actor=actor, instance=report, kind=report.kind, period=f"{start.isoformat()}/{end.isoformat()}")
    return report


@transaction.atomic
def report_review(*, actor, report: DualReport, note: str = "") -> DualReport:
    require_manager(actor, report.ancestry())
    if (
        DualReport.objects.filter(pk=report.pk, status=DualReport.Status.DRAFT).update(status=DualReport.Status.REVIEWED, reviewed_by=actor, review_note=note)
        != 1
    ):
        raise ValidationError(_("This report was already reviewed."))
    audit_status(actor=actor, instance=report, before=DualReport.Status.DRAFT, after=DualReport.Status.REVIEWED)
    report.refresh_from_db()
    return report
