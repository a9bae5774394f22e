from django.contrib import admin

from deliberation.models import Meeting, Participant, Task, Topic
from governance.admin_mixins import ReadOnlyScopedAdmin
from governance.roles import Capability


class DeliberationAdmin(ReadOnlyScopedAdmin):
    """Topics move through their lifecycle on the deliberation pages (with history); the back office reads them in scope."""

    capability = Capability.MANAGE_DELIBERATION


@admin.register(Topic)
class TopicAdmin(DeliberationAdmin):
    list_display = ["title", "community", "source", "status", "published_at", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["title"]
    list_select_related = ["community"]


@admin.register(Meeting)
class MeetingAdmin(DeliberationAdmin):
    list_display = ["held_on", "kind", "community", "place"]
    list_filter = ["kind"]
    list_select_related = ["community"]


@admin.register(Task)
class TaskAdmin(DeliberationAdmin):
    list_display = ["title", "topic", "responsible", "due_on", "status", "done_on"]
    list_filter = ["status"]
    list_select_related = ["topic"]


@admin.register(Participant)
class ParticipantAdmin(DeliberationAdmin):
    list_display = ["meeting", "kind", "names", "count", "phone_masked"]
    list_filter = ["kind"]
    list_select_related = ["meeting__community"]
