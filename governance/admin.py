from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.constants import LOOKUP_SEP
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from core.personal_data import mask_phone
from governance import selectors
from governance.admin_mixins import CapabilityAdmin, NodeAdmin, ScopedAdmin
from governance.models import (
    AuditEntry,
    City,
    Community,
    District,
    Membership,
    PersonalDataLog,
    ResidentUnit,
    Street,
    User,
)
from governance.permissions import can_manage_user, can_revoke, has_capability
from governance.roles import Capability
from governance.services import membership_grant, membership_revoke, user_update


@admin.register(City)
class CityAdmin(NodeAdmin):
    list_display = ["name", "code", "party_org_name"]
    search_fields = ["name", "code"]


@admin.register(District)
class DistrictAdmin(NodeAdmin):
    list_display = ["name", "code", "city", "party_org_name"]
    list_filter = ["city"]
    search_fields = ["name", "code"]
    list_select_related = ["city"]


@admin.register(Street)
class StreetAdmin(NodeAdmin):
    list_display = ["name", "code", "kind", "district", "party_org_name"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "code"]
    list_select_related = ["district"]


@admin.register(Community)
class CommunityAdmin(NodeAdmin):
    list_display = ["name", "code", "street", "party_org_kind", "party_org_name"]
    list_filter = ["party_org_kind", "street"]
    search_fields = ["name", "code", "address"]
    list_select_related = ["street"]


@admin.register(ResidentUnit)
class ResidentUnitAdmin(NodeAdmin):
    list_display = ["name", "kind", "community", "party_org_name", "contact_name"]
    list_filter = ["kind", "community__street"]
    search_fields = ["name", "party_org_name", "contact_name"]
    list_select_related = ["community"]

    def get_fields(self, request, obj=None):
        """Readers who cannot edit the unit see its contact phone masked, as on the API."""
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return ["masked_contact_phone" if name == "contact_phone" else name for name in fields]
        return fields

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj):
        return mask_phone(obj.contact_phone)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """Roles are granted and revoked, never edited in place."""

    manage_capability = Capability.MANAGE_PEOPLE
    list_display = ["user", "role", "city", "district", "street", "community", "grid", "building", "unit_label", "granted_by", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "user__phone"]
    list_select_related = ["user", "city", "district", "street", "community", "grid", "building", "granted_by"]
    fields = ["user", "role", "city", "district", "street", "community", "grid", "building", "unit_label"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return has_capability(request.user, Capability.MANAGE_PEOPLE)
        return can_revoke(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only accounts already in the granter's area: an id from elsewhere answers like a missing one.
        if db_field.name == "user":
            kwargs["queryset"] = selectors.user_list_for(request.user).filter(is_active=True, is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        membership_grant(actor=request.user, user=obj.user, role=obj.role, node=obj.node, unit_label=obj.unit_label)

    def delete_model(self, request, obj):
        try:
            membership_revoke(actor=request.user, membership=obj)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"
    fields = ["role", "city", "district", "street", "community", "grid", "building", "unit_label", "granted_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("city", "district", "street", "community", "grid", "building")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "phone", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = [(None, {"fields": ["username", "full_name", "phone", "is_active", "last_login", "date_joined"]})]
    readonly_fields = ["username", "last_login", "date_joined"]
    inlines = [MembershipInline]
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.user_list_for(request.user)

    def has_module_permission(self, request):
        return has_capability(request.user, Capability.USE_BACK_OFFICE)

    def has_view_permission(self, request, obj=None):
        return has_capability(request.user, Capability.USE_BACK_OFFICE)

    def has_add_permission(self, request):
        # Accounts are created together with their first role, on the hierarchy pages.
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return has_capability(request.user, Capability.MANAGE_PEOPLE)
        return can_manage_user(request.user, obj, selectors.membership_list_of(obj))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        # Nobody sets another person's password here: the person's page resets it through the audited service.
        return redirect("person-detail", pk=id)

    def save_model(self, request, obj, form, change):
        if not change:
            # The superuser chose this password, so the person replaces it at the first login.
            obj.must_change_password = True
            return super().save_model(request, obj, form, change)
        try:
            user_update(actor=request.user, user=obj, full_name=obj.full_name, phone=obj.phone or "", is_active=obj.is_active)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, CapabilityAdmin):
    """Read-only: the audit log is append-only."""

    view_capability = Capability.VIEW_AUDIT

    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    list_select_related = ["actor", "content_type"]
    readonly_fields = [
        "at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "shown",
        "city",
        "district",
        "street",
        "community",
        "grid",
        "building",
    ]
    # The stored changes are shown only as readers see them (AuditEntry.shown_changes).
    exclude = ["changes"]
    list_per_page = 50
    date_hierarchy = "at"

    def get_queryset(self, request):
        return selectors.audit_list_for(request.user)

    @admin.display(description=_("changes"))
    def shown(self, obj):
        return render_to_string("governance/_changes.html", {"entry": obj})

    def lookup_allowed(self, lookup, value, request):
        # Filtering inside the stored changes would reach values the readers are shown only as changed.
        return lookup.split(LOOKUP_SEP, 1)[0] != "changes" and super().lookup_allowed(lookup, value, request)


admin.site.empty_value_display = _("—")


@admin.register(PersonalDataLog)
class PersonalDataLogAdmin(AuditEntryAdmin):
    """Reveals and exports of personal data, for the district organization department."""

    view_capability = Capability.VIEW_ACCESS_LOG

    list_display = ["at", "user", "kind", "object_repr", "purpose", "reason", "rows", "unmasked"]
    list_filter = ["kind", "purpose", "unmasked"]
    search_fields = ["object_repr", "user__username", "reason"]
    list_select_related = ["user"]
    readonly_fields = [
        "at",
        "user",
        "kind",
        "content_type",
        "object_id",
        "object_repr",
        "field_labels",
        "purpose",
        "reason",
        "rows",
        "unmasked",
        "city",
        "district",
        "street",
        "community",
        "grid",
        "building",
    ]

    exclude = ["changes", "fields"]

    @admin.display(description=_("fields"))
    def field_labels(self, obj):
        return obj.field_labels

    def get_queryset(self, request):
        return selectors.access_log_for(request.user)
