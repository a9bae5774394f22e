from django.contrib import admin

from cadres.models import GradeStep, MentorPair, PoolEntry, PoolRule, Promotion, RoutineMeeting, WorkerProfile
from cadres.permissions import can_see_vetting
from governance.admin_mixins import ReadOnlyScopedAdmin
from governance.roles import Capability


@admin.register(Promotion, PoolEntry, MentorPair, RoutineMeeting, GradeStep, PoolRule)
class CadresAdmin(ReadOnlyScopedAdmin):
    """The reviews and mentoring are kept on their pages (with history and checks); the back office reads them."""

    capability = Capability.MANAGE_CADRES


@admin.register(WorkerProfile)
class WorkerProfileAdmin(CadresAdmin):
    """Masked values only; the vetting result only for those who may see it."""

    list_display = ["user", "community", "post", "grade", "entry_date"]
    list_filter = ["post", "grade"]
    exclude = ["id_number_enc", "id_number_hash", "phone_enc", "phone_hash"]

    def get_exclude(self, request, obj=None):
        hidden = [] if obj is not None and can_see_vetting(request.user, obj.ancestry()) else ["vetting", "vetting_note", "vetted_on"]
        return [*self.exclude, *hidden]
