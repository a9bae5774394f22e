"""Writes to the hierarchy and to people. Each service validates, writes and audits in one transaction."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.dates import day_start
from core.personal_data import decrypt
from governance.audit import audit_record, diff, snapshot
from governance.models import AuditEntry, City, Community, District, Membership, PersonalDataLog, User
from governance.permissions import can_grant, can_manage_node, can_manage_user, can_reset_password, can_revoke
from governance.roles import ROLE_LEVEL, SINGLE_HOLDER_ROLES, Capability, Role
from governance.scope import scope_for
from governance.selectors import NODE_MODELS, membership_list_of
from governance.signals import notify_requested
from governance.validators import normalize_mobile
from grids.models import Grid
from grids.places import city_outlines_derive


def _parent_ancestry(instance) -> dict:
    parent_field = getattr(instance, "PARENT_FIELD", None)
    if parent_field is None:
        return {}
    return getattr(instance, parent_field).ancestry()


def _derive_columns(instance) -> None:
    """Fill the ancestor columns and codes that follow from the parent."""
    if isinstance(instance, Community):
        instance.district_id = instance.street.district_id
    elif isinstance(instance, Grid):
        community = instance.community
        instance.street_id = community.street_id
        instance.district_id = community.district_id
        if instance.sequence:
            instance.code = f"{community.code}{instance.sequence:03d}"


@transaction.atomic
def node_save(*, actor, instance: models.Model):
    """Create or update a node of the tree, a resident unit or a central household.

    The parent of an existing row cannot change: ancestor columns below it would go stale.
    """
    creating = instance._state.adding
    parent_field = getattr(instance, "PARENT_FIELD", None)
    # A city, and a district outside any city, have no one above them but the system administrator.
    top = isinstance(instance, City) or (isinstance(instance, District) and instance.city_id is None)
    if top and creating:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only the system administrator creates cities and districts outside a city."))
    elif parent_field and not top and getattr(instance, f"{parent_field}_id") is None:
        raise ValidationError({parent_field: _("This field is required.")})
    if creating:
        before = {}
        allowed = top or can_manage_node(actor, _parent_ancestry(instance))
    else:
        stored = type(instance).objects.select_for_update().get(pk=instance.pk)
        before = snapshot(stored)
        stored_parent = getattr(stored, f"{parent_field}_id") if parent_field else None
        if parent_field and stored_parent != getattr(instance, f"{parent_field}_id"):
            # Nothing below a district stores its city, so a district on its own may join one, by the administrator's hand.
            if not (isinstance(instance, District) and stored_parent is None):
                raise ValidationError({parent_field: _("A node cannot be moved to another parent; create it again under the new parent.")})
            if not actor.is_superuser:
                raise PermissionDenied(_("Only the system administrator places a district in a city."))
        allowed = can_manage_node(actor, stored.ancestry())
    if not allowed:
        raise PermissionDenied(_("You may not change this part of the hierarchy."))
    _derive_columns(instance)
    instance.full_clean()
    changes = diff(before, snapshot(instance))
    if creating:
        instance.save()
    elif changes:
        names = {field.attname: field.name for field in instance._meta.concrete_fields}
        instance.save(update_fields=[names[attname] for attname in changes])
    if changes or creating:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE, instance=instance, changes=changes)
    if isinstance(instance, District) and "city_id" in changes:
        # A district joining or leaving a city changes both cities' outlines when those are the union of their districts'.
        city_outlines_derive(city_ids=[city_id for city_id in changes["city_id"] if city_id])
    return instance


@transaction.atomic
def node_delete(*, actor, instance: models.Model) -> None:
    if not can_manage_node(actor, instance.ancestry()):
        raise PermissionDenied(_("You may not change this part of the hierarchy."))
    ancestry = instance.ancestry()
    before = snapshot(instance)
    try:
        # A savepoint keeps the outer transaction usable when the database refuses the delete.
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, IntegrityError) as exc:
        raise ValidationError(_("“%(name)s” still has records under it; remove or move them first.") % {"name": instance}) from exc
    instance.pk = before.get("id")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=instance, changes=diff(before, {}), ancestry=ancestry)
    if isinstance(instance, District) and instance.city_id:
        # The city's outline, when the union of its districts', loses this one.
        city_outlines_derive(city_ids=[instance.city_id])


def _check_grant(*, actor, role: str, node, unit_label: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    level = ROLE_LEVEL[role]
    if getattr(node, "LEVEL", None) != level:
        raise ValidationError({"role": _("This role is held at the %(level)s level.") % {"level": level}})
    if not can_grant(actor, role, node.ancestry()):
        raise PermissionDenied(_("You may only grant roles no higher than your own, inside your own part of the hierarchy."))
    if role == Role.UNIT_HEAD and not unit_label:
        raise ValidationError({"unit_label": _("Say which unit the unit head looks after.")})
    if role in SINGLE_HOLDER_ROLES and Membership.objects.filter(role=role, **{level: node}).exists():
        raise ValidationError({"role": _("“%(node)s” already has a %(role)s; revoke that role first.") % {"node": node, "role": Role(role).label}})


@transaction.atomic
def membership_grant(*, actor, user: User, role: str, node, unit_label: str = "") -> Membership:
    _check_grant(actor=actor, role=role, node=node, unit_label=unit_label)
    level = ROLE_LEVEL[role]
    if Membership.objects.filter(user=user, role=role, **{level: node}).exists():
        raise ValidationError({"role": _("%(user)s already holds this role here.") % {"user": user}})
    membership = Membership.objects.create(user=user, role=role, unit_label=unit_label, granted_by=actor if actor.is_authenticated else None, **{level: node})
    audit_record(actor=actor, action=AuditEntry.Action.GRANT, instance=membership, changes={"user": [None, user.username], "role": [None, role]})
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    """Nobody revokes their own role or a peer's; an account left without any role loses its API tokens."""
    if membership.user_id == actor.pk:
        raise PermissionDenied(_("You cannot revoke your own role; ask someone above you."))
    if not can_revoke(actor, membership):
        raise PermissionDenied(_("You may only revoke roles ranked below your own, inside your own part of the hierarchy."))
    ancestry = membership.ancestry()
    pk = membership.pk
    membership.delete()
    membership.pk = pk
    if not Membership.objects.filter(user_id=membership.user_id).exists():
        api_tokens_delete(user=membership.user)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REVOKE,
        instance=membership,
        changes={"user": [membership.user.username, None], "role": [membership.role, None]},
        ancestry=ancestry,
    )


@transaction.atomic
def user_create(*, actor, username: str, full_name: str, phone: str, password: str, role: str, node, unit_label: str = "") -> User:
    """Create an account together with its first role: an account without a role would be out of everyone's scope."""
    _check_grant(actor=actor, role=role, node=node, unit_label=unit_label)
    # The creator knows the initial password, so the person replaces it at the first login.
    user = User(username=username.strip(), full_name=full_name.strip(), phone=normalize_mobile(phone) if phone else None, must_change_password=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=user, changes=diff({}, snapshot(user)), ancestry=node.ancestry())
    membership_grant(actor=actor, user=user, role=role, node=node, unit_label=unit_label)
    return user


@transaction.atomic
def user_update(*, actor, user: User, full_name: str, phone: str, is_active: bool) -> User:
    memberships = membership_list_of(user)
    if not can_manage_user(actor, user, memberships):
        raise PermissionDenied(_("You may only edit accounts whose every role you could grant."))
    before = snapshot(user)
    user.full_name = full_name.strip()
    user.phone = normalize_mobile(phone) if phone else None
    user.is_active = is_active
    user.full_clean()
    user.save(update_fields=["full_name", "phone", "is_active"])
    if not is_active:
        api_tokens_delete(user=user)
    changes = diff(before, snapshot(user))
    if changes:
        ancestry = memberships[0].ancestry() if memberships else {}
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=user, changes=changes, ancestry=ancestry)
    return user


def api_tokens_delete(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


def api_token_expiry(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)


def api_token_issue(*, user: User) -> Token:
    """The user's API token, replaced by a new one once it is older than API_TOKEN_TTL_DAYS."""
    Token.objects.filter(user=user, created__lte=timezone.now() - dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token


# Temporary passwords are read out or typed by hand: no 0/O, 1/l/I.
TEMPORARY_PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@transaction.atomic
def user_password_reset(*, actor, user: User) -> str:
    """Give someone else a one-time password; returns it to be shown once to the actor.

    Only for an actor holding every role and capability of the person at their places (see can_reset_password).
    The person must change it at the next login; their sessions end (Django ties a session to the password hash),
    their API tokens are deleted, they are notified and the reset is audited.
    """
    memberships = membership_list_of(user)
    if not can_reset_password(actor, user, memberships):
        raise PermissionDenied(_("You may only reset the password of someone whose every role and capability you hold yourself, at their places."))
    temporary = "-".join(get_random_string(4, TEMPORARY_PASSWORD_CHARS) for _part in range(3))
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    api_tokens_delete(user=user)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=user,
        changes={"password": [None, "reset"], "must_change_password": [False, True]},
        ancestry=memberships[0].ancestry() if memberships else {},
    )
    notify_requested.send(
        sender=User,
        messages=[
            {
                "user": user,
                "key": f"password-reset-{timezone.now().timestamp():.6f}",
                "title": _("Your password was reset by %(actor)s") % {"actor": actor},
                "body": _("You will be asked to choose a new password at your next login. If you did not ask for this, tell your community or street office."),
                "url": reverse("password_change"),
            }
        ],
    )
    return temporary


@transaction.atomic
def user_password_change(*, user: User, password: str) -> User:
    """The person sets their own password: validated, audited, and their API tokens deleted."""
    validate_password(password, user)
    was_forced = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    api_tokens_delete(user=user)
    memberships = membership_list_of(user)
    audit_record(
        actor=user,
        action=AuditEntry.Action.UPDATE,
        instance=user,
        changes={"password": [None, "changed"], **({"must_change_password": [True, False]} if was_forced else {})},
        ancestry=memberships[0].ancestry() if memberships else {},
    )
    return user


def _encrypted_fields(instance) -> tuple[str, ...]:
    return tuple(field.attname.removesuffix("_enc") for field in instance._meta.concrete_fields if field.attname.endswith("_enc"))


class DailyLimitReached(PermissionDenied):
    """A per-person daily limit on personal data is reached; pages show the message, the API answers 429."""


def personal_data_purpose_clean(*, purpose: str, reason: str) -> tuple[str, str]:
    """The purpose from the fixed list, and the text that goes with it: required, and real, for "other".

    A real text has at least 4 characters, 3 different ones and 2 letters (Chinese or Latin), so "0000" or "aaaa" is refused.
    """
    reason = (reason or "").strip()[:200]
    if purpose not in PersonalDataLog.Purpose.values:
        raise ValidationError({"purpose": _("Choose why you need the full values.")})
    if purpose == PersonalDataLog.Purpose.OTHER and (len(reason) < 4 or len(set(reason)) < 3 or sum(char.isalpha() for char in reason) < 2):
        raise ValidationError({"reason": _("Say in words why you need the full values (at least 4 characters); the reason is logged.")})
    return purpose, reason


def oversight_alert(*, district_id: int | None, key: str, title: str) -> None:
    """Notify the organization departments above a district (its own and its city's accounts), once per account and key."""
    # One filter call: each condition pair must hold on the same membership row.
    users = User.objects.filter(
        Q(memberships__role=Role.DISTRICT_ORG, memberships__district_id=district_id)
        | Q(memberships__role=Role.CITY_ORG, memberships__city__districts=district_id),
        is_active=True,
    ).distinct()
    notify_requested.send(sender=User, messages=[{"user": user, "key": key, "title": title} for user in users])


def _personal_data_log(*, actor, kind: str, ancestry: dict, **fields):
    return PersonalDataLog.objects.create(user=actor, kind=kind, **fields, **PersonalDataLog.placed(ancestry))


@transaction.atomic
def personal_data_reveal(*, actor, instance: models.Model, purpose: str, reason: str = "") -> dict[str, str]:
    """Decrypt one record's protected values for someone allowed to, and log who, when, which and why.

    At most PERSONAL_DATA_REVEALS_PER_DAY reveals per person and day; above PERSONAL_DATA_REVEALS_ALERT the district's
    and its city's organization departments are notified, once per person and day.
    """

    if not scope_for(actor, Capability.REVEAL_PERSONAL).contains(instance.ancestry()):
        raise PermissionDenied(_("Your role does not allow revealing personal data."))
    return personal_data_reveal_for_duty(actor=actor, instance=instance, purpose=purpose, reason=reason)


@transaction.atomic
def personal_data_reveal_for_duty(*, actor, instance: models.Model, purpose: str, reason: str = "") -> dict[str, str]:
    """The same reveal (purpose, daily limit, log, alert) for someone whose duty on this one record the calling app has
    checked itself: the person a resident's booking is handed to calls the resident back without a general reveal right."""
    ancestry = instance.ancestry()
    purpose, reason = personal_data_purpose_clean(purpose=purpose, reason=reason)
    # The person's row is locked so that concurrent reveals are counted one after the other.
    User.objects.select_for_update().only("pk").get(pk=actor.pk)
    today = day_start(timezone.localdate())
    done = PersonalDataLog.objects.filter(user=actor, kind=PersonalDataLog.Kind.REVEAL, at__gte=today).count()
    if done >= settings.PERSONAL_DATA_REVEALS_PER_DAY:
        raise DailyLimitReached(
            _("You have revealed personal data %(count)d times today, the most allowed in a day; ask the district organization department if more is needed.")
            % {"count": done}
        )
    fields = _encrypted_fields(instance)
    values = {name: decrypt(getattr(instance, f"{name}_enc")) for name in fields}
    _personal_data_log(
        actor=actor,
        kind=PersonalDataLog.Kind.REVEAL,
        ancestry=ancestry,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        fields=[name for name, value in values.items() if value],
        purpose=purpose,
        reason=reason,
        unmasked=True,
    )
    if done + 1 > settings.PERSONAL_DATA_REVEALS_ALERT:
        oversight_alert(
            district_id=ancestry.get("district"),
            key=f"reveals:{actor.pk}:{today:%Y-%m-%d}",
            title=_("%(user)s has revealed personal data more than %(count)d times today") % {"user": actor, "count": settings.PERSONAL_DATA_REVEALS_ALERT},
        )
    return values


def personal_data_export_log(*, actor, description: str, rows: int, fields: list[str], unmasked: bool, ancestry: dict, purpose: str = "", reason: str = ""):
    """Log an export at the place of the exported data (the narrowest node holding all of it).

    An export that matched nothing is placed at the exporter's own highest node, so it is still seen above them.
    """
    if unmasked:
        purpose, reason = personal_data_purpose_clean(purpose=purpose, reason=reason)
    if not ancestry:
        ancestry = _own_place(actor, scope_for(actor))
    return _personal_data_log(
        actor=actor,
        kind=PersonalDataLog.Kind.EXPORT,
        ancestry=ancestry,
        object_repr=description[:200],
        fields=fields,
        rows=rows,
        unmasked=unmasked,
        purpose=purpose,
        reason=reason[:200],
    )


def _own_place(actor, scope) -> dict:
    """The ancestry of one of the actor's highest nodes (empty for a superuser, who has no place)."""
    level = scope.top_level()
    if level is None:
        return {}
    return NODE_MODELS[level].objects.get(pk=min(scope.node_ids[level])).ancestry()


def id_conflicts_log(*, actor, residents, where: str) -> None:
    """Log each ID number the actor was told is registered outside their area, at that resident's place.

    Telling is unavoidable (an ID number is registered once), so it is logged; beyond ID_CONFLICTS_ALERT in a day the
    district's and its city's organization departments are notified, once per person and day.
    """
    if not residents:
        return
    content_type = ContentType.objects.get_for_model(residents[0])
    PersonalDataLog.objects.bulk_create(
        PersonalDataLog(
            user=actor,
            kind=PersonalDataLog.Kind.ID_CONFLICT,
            content_type=content_type,
            object_id=str(resident.pk),
            object_repr=str(resident)[:200],
            fields=["id_number"],
            reason=where[:200],
            **PersonalDataLog.placed(resident.ancestry()),
        )
        for resident in residents
    )
    today = day_start(timezone.localdate())
    count = PersonalDataLog.objects.filter(user=actor, kind=PersonalDataLog.Kind.ID_CONFLICT, at__gte=today).count()
    if len(residents) > settings.ID_CONFLICTS_ALERT or count > settings.ID_CONFLICTS_ALERT:
        oversight_alert(
            district_id=residents[0].ancestry().get("district"),
            key=f"id-conflicts:{actor.pk}:{today:%Y-%m-%d}",
            title=_("%(user)s entered %(count)d ID numbers today that are registered outside their area") % {"user": actor, "count": count},
        )
