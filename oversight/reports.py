"""Monthly reports: on the 1st, each community's, street's, district's and city's figures for the past month,
as an .xlsx (the dashboard's tables) and a PDF, archived and scoped like everything else."""

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from core.dates import month_end, previous_month
from core.files import stored_name
from governance.models import City, Community, District, Street
from oversight import dashboards
from oversight.models import MonthlyReport

# A CID font the PDF reader supplies: Chinese text without shipping a font file.
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _pdf(title: str, data: dict) -> bytes:
    buffer = io.BytesIO()
    heading, body = ParagraphStyle("h", fontName=FONT, fontSize=16, leading=22), ParagraphStyle("b", fontName=FONT, fontSize=10, leading=14)
    coverage = data["coverage"]
    rows = [[_("Figure"), _("Count"), _("Out of"), _("Rate")]] + [
        [str(r["label"]), r["numerator"], r["denominator"], f"{r['rate']}%" if r["rate"] is not None else "—"] for r in data["rates"]
    ]
    story = [
        Paragraph(title, heading),
        Spacer(1, 8),
        Paragraph(
            f"{_('households registered')} {coverage['registered']} · {_('visited in the last 30 days')} {coverage['visited_30']} · {_('key-care households visited within their cadence')} {coverage['key_care_on_time']}/{coverage['key_care_total']}",
            body,
        ),
        Spacer(1, 8),
        Table(rows, style=[("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9), ("GRID", (0, 0), (-1, -1), 0.25, "#999999")]),
        Spacer(1, 8),
        Paragraph(
            f"{_('Volunteers')}: {_('members')} {data['volunteers']['members']} · {_('volunteer hours')} {data['volunteers']['hours']:.0f} · {_('Micro-wishes fulfilled')} {data['volunteers']['wishes_fulfilled']}",
            body,
        ),
    ]
    if data["children"]:
        story += [
            Spacer(1, 8),
            Table(
                [[_("Area"), _("Households"), _("Requests"), _("Closed")]]
                + [[c["name"], c["households"], c["requests"], c["closed"]] for c in data["children"]],
                style=[("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9), ("GRID", (0, 0), (-1, -1), 0.25, "#999999")],
            ),
        ]
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(story)
    return buffer.getvalue()


@transaction.atomic
def monthly_report_generate(*, node, month: dt.date) -> MonthlyReport | None:
    """One node's report for one month (a city's counts its districts); a second run finds it and does nothing."""
    placement = {"city_id": None, "district_id": node.district_id if hasattr(node, "district_id") else node.pk, "street_id": None, "community_id": None}
    if isinstance(node, City):
        placement.update(city_id=node.pk, district_id=None)
    elif isinstance(node, Street):
        placement["street_id"] = node.pk
    elif isinstance(node, Community):
        placement.update(street_id=node.street_id, community_id=node.pk)
    if MonthlyReport.objects.filter(month=month, **placement).exists():
        return None
    end = month_end(month)
    data, as_of = dashboards.compute(node, month, end), timezone.now()
    title = _("%(node)s monthly report, %(month)s") % {"node": node.name, "month": month.strftime("%Y-%m")}
    report = MonthlyReport(month=month, title=title, **placement)
    slug = f"{node.LEVEL}-{month:%Y%m}"
    report.pdf.save(stored_name(slug, "pdf"), ContentFile(_pdf(title, data)), save=False)
    report.xlsx.save(stored_name(slug, "xlsx"), ContentFile(dashboards.figures_workbook(data, node=node, start=month, end=end, as_of=as_of)), save=False)
    report.save()
    return report


def monthly_reports_generate(*, today: dt.date | None = None) -> int:
    """The job of the 1st: the past month's reports of every city, district, street and community."""
    month, _last = previous_month(today or timezone.localdate())
    made = 0
    for model in (City, District, Street, Community):
        for node in model.objects.all():
            made += monthly_report_generate(node=node, month=month) is not None
    return made
