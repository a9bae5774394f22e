"""The inbox over the API: the caller's own notifications only, the unread count, marking one or all read."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import errors
from notifications import selectors, services
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="Notifications not read yet (the header's count).")


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications this call marked read.")


@extend_schema_view(list=extend_schema(responses={200: NotificationSerializer(many=True), **errors(400)}))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's inbox, newest first: nobody reads another person's notifications."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list_for(self.request.user)

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None, filter_backends=[])
    def unread_count(self, request):
        return Response(UnreadCountSerializer({"unread": selectors.notification_unread_for(request.user).count()}).data)

    @extend_schema(request=None, responses={200: NotificationSerializer, **errors(404)})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read; marking it again changes nothing."""
        notification = selectors.notification_get_for(request.user, pk)
        services.notification_mark_read(actor=request.user, notification_id=notification.pk)
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", pagination_class=None, filter_backends=[])
    def read_all(self, request):
        return Response(MarkedSerializer({"marked": services.notification_mark_all_read(actor=request.user)}).data)
