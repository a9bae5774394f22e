"""The grid worker's day over the API: the same figures as the today page, read by the same function."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.api import errors
from grids.api import PatrolSerializer
from households.models import Household
from notifications.api import NotificationSerializer
from notifications.selectors import notification_unread_for
from resident_requests.api import RequestSerializer
from workbench.today import today_for


class TodayGridSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class VisitDueSerializer(serializers.ModelSerializer):
    building_name = serializers.CharField(source="building.name")

    class Meta:
        model = Household
        fields = ["id", "building", "building_name", "address_label", "key_care", "next_visit_due"]


class TodaySerializer(serializers.Serializer):
    grids = TodayGridSerializer(many=True, help_text="The grids where the caller is a grid worker.")
    now = serializers.DateTimeField(help_text="The moment the countdowns are counted from.")
    visits_due_count = serializers.IntegerField(source="due_count", help_text="Households whose visit is due today or overdue.")
    visits_due = VisitDueSerializer(source="due", many=True, help_text="The first of them, most overdue first.")
    requests = RequestSerializer(source="queue", many=True, help_text="The first requests of the caller's queue, soonest deadline first.")
    unread_count = serializers.IntegerField(help_text="Unread notifications.")
    notifications = NotificationSerializer(many=True, help_text="The newest unread notifications.")
    patrol = PatrolSerializer(allow_null=True, help_text="The caller's patrol under way, or null.")
    patrolled_today = serializers.IntegerField(help_text="Patrols the caller started today.")
    not_visited = serializers.IntegerField(help_text="Active households of the caller's grids not visited since 1 January.")


@extend_schema(responses={200: TodaySerializer, **errors(403)})
@api_view(["GET"])
def today(request):
    """The today page's figures for the calling grid worker; anyone without a grid role answers 403, as on the page."""
    summary = today_for(request.user)
    return Response(TodaySerializer({**summary, "unread_count": notification_unread_for(request.user).count()}).data)
