"""Intake: a request submitted from any source, with its photos, once per Idempotency-Key."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import storage_failed, written_files_remove
from core.idempotency import idempotent_record, idempotent_replay, payload_hash
from core.images import image_clean, image_thumbnail
from core.personal_data import PHONE_FIELDS, encrypt, mask_email, phone_fields
from governance.roles import Capability
from governance.validators import normalize_mobile
from grids.models import Patrol
from grids.selectors import worker_grid_list_for
from resident_requests.lifecycle import Stage, Status, TimelineAction
from resident_requests.models import DESCRIPTION_MAX_LENGTH, IdempotencyKey, RequestPhoto, ResidentRequest, TimelineEntry, Urgency
from resident_requests.services.deadlines import reminder_time, stage_deadline
from resident_requests.services.notices import notify_next
from resident_requests.services.transition import require_at, transition

MAX_PHOTOS = 9


@transaction.atomic
def request_submit(**report) -> ResidentRequest:
    """Create a request from any source (see _request_create) and tell the cadres who accept it."""
    resident_request = _request_create(**report)
    notify_next(resident_request, actor=report.get("actor"))
    return resident_request


@transaction.atomic
def request_report_handled(*, actor, result_note: str, result_photos=(), **report) -> ResidentRequest:
    """自行处置: a problem the grid worker found on patrol and handled on the spot goes straight to verification."""
    if not worker_grid_list_for(actor).filter(pk=report["grid"].pk).exists():
        raise PermissionDenied(_("Only the grid's own workers report what they handled on the spot."))
    if len((result_note or "").strip()) < 2:
        raise ValidationError({"result_note": _("Say what was done (at least 2 characters).")})
    if not result_photos:
        raise ValidationError({"result_photos": _("Add a photo of the result: the community verifies by it.")})
    resident_request = _request_create(actor=actor, source=ResidentRequest.Source.PATROL, **report)
    request_add_photos(resident_request=resident_request, files=result_photos, kind=RequestPhoto.Kind.RESULT)
    now = timezone.now()
    resident_request = transition(
        resident_request,
        to=Status.HANDLED,
        actor=actor,
        action=TimelineAction.REPORT_HANDLED,
        note=result_note,
        handler=actor,
        result_note=result_note,
        accepted_at=now,
        accepted_on_time=True,
        handle_deadline=now,
        handled_at=now,
        handled_on_time=True,
    )
    notify_next(resident_request, actor=actor)
    return resident_request


def _request_create(
    *,
    actor=None,
    source: str,
    category,
    description: str,
    grid,
    urgency: str = Urgency.SCHEDULED,
    building=None,
    household=None,
    visit=None,
    reporter_name: str = "",
    phone: str = "",
    anonymous: bool = False,
    idempotency_key: str = "",
    caller: str = "",
    photos=(),
    partner=None,
    media_url: str = "",
    email: str = "",
    attributes: dict | None = None,
) -> ResidentRequest:
    """Create a request (from any source) with its photos; a grid worker's report joins their patrol under way.

    A repeated Idempotency-Key returns the first request only to the same caller with the same payload (checked
    after validation): two residents behind one address who pick the same key never get each other's request.
    """
    if actor is not None and source != ResidentRequest.Source.PUBLIC_FORM:
        # Volunteers ("mobile grid workers") report in their community; staff in the area they handle.
        capability = Capability.VIEW_HIERARCHY if source == ResidentRequest.Source.VOLUNTEER else Capability.HANDLE_REQUESTS
        require_at(actor, capability, grid.ancestry())
    if building is not None and building.grid_id != grid.pk:
        raise ValidationError({"building": _("The building is not in this grid.")})
    if household is not None and household.building_id != getattr(building, "pk", household.building_id):
        raise ValidationError({"household": _("The household is not in this building.")})
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": _("Describe the problem in a few words (at least 5 characters).")})
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {
                "description": _("The description is too long: at most %(limit)d characters (it has %(length)d).")
                % {"limit": DESCRIPTION_MAX_LENGTH, "length": len(description)}
            }
        )
    number = normalize_mobile(phone) if phone else ""
    if idempotency_key:
        payload = payload_hash(
            source, category.pk, urgency, description, grid.pk, getattr(building, "pk", None), getattr(household, "pk", None), getattr(visit, "pk", None),
            reporter_name, number, anonymous, getattr(partner, "pk", None), media_url, email, sorted((attributes or {}).items()), files=photos,
        )  # fmt: skip
        existing = idempotent_replay(IdempotencyKey.objects, caller=caller, key=idempotency_key, payload=payload, created="request")
        if existing is not None:
            return existing
    now = timezone.now()
    resident_request = ResidentRequest(
        source=source,
        category=category,
        urgency=urgency,
        description=description,
        grid=grid,
        building=building or (household.building if household else None),
        household=household,
        visit=visit,
        reporter_name="" if anonymous else reporter_name.strip()[:50],
        **phone_fields(number),
        anonymous=anonymous,
        partner=partner,
        media_url=media_url,
        email_enc=encrypt(email),
        email_masked=mask_email(email),
        attributes=attributes or {},
        created_by=actor if actor is not None and actor.is_authenticated else None,
        patrol=Patrol.objects.filter(worker=actor, grid=grid, ended_at__isnull=True).first() if source == ResidentRequest.Source.PATROL and actor else None,
        stage=Stage.ACCEPT,
        stage_started_at=now,
    )
    resident_request.stage_deadline = stage_deadline(resident_request, Stage.ACCEPT, now)
    resident_request.remind_at = reminder_time(now, resident_request.stage_deadline)
    resident_request.full_clean(exclude=PHONE_FIELDS)
    resident_request.save()
    TimelineEntry.objects.create(
        request=resident_request,
        actor=resident_request.created_by,
        action=TimelineAction.SUBMIT,
        to_status=Status.SUBMITTED,
        level=resident_request.level,
        note="",
        public=True,
    )
    if idempotency_key:
        idempotent_record(IdempotencyKey.objects, caller=caller, key=idempotency_key, payload=payload, request=resident_request)
    request_add_photos(resident_request=resident_request, files=photos)
    return resident_request


@transaction.atomic
def request_add_photos(*, resident_request: ResidentRequest, files, kind: str = RequestPhoto.Kind.REPORT) -> list[RequestPhoto]:
    """Up to nine photos a request; each checked by content, stripped of location data, with a thumbnail."""
    files = list(files or [])
    if resident_request.photos.count() + len(files) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most 9 photos per request.")})
    photos = []
    for index, upload in enumerate(files, start=1):
        cleaned = image_clean(upload, name_prefix=f"request-{resident_request.pk}-{kind}-{index}")
        photo = RequestPhoto(request=resident_request, kind=kind, image=cleaned, thumbnail=image_thumbnail(cleaned))
        try:
            # A savepoint: the caller's transaction stays usable for the error page after a failed file write.
            with transaction.atomic():
                photo.save()
        except OSError as exc:
            # The transaction rolls the rows back; the files written so far are removed here.
            written_files_remove(*(field for stored in [*photos, photo] for field in (stored.image, stored.thumbnail)))
            raise ValidationError({"photos": storage_failed().messages}) from exc
        photos.append(photo)
    return photos
