"""Photos chosen on a form that fails validation are uploaded first and referenced by token, so nothing is chosen twice.

Security invariant: a held photo is usable and viewable only from the browser session that sent it (its token is in
that session), it is cleaned (content checked, location stripped) before it is stored, a session holds at most
MAX_PER_SESSION of them and an address at most LIMIT_PER_ADDRESS an hour, and each is deleted within HOLD_HOURS.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import storage_failed, written_files_remove
from core.images import image_clean, image_thumbnail
from core.throttle import over_limit
from governance.models import HeldPhoto

SESSION_KEY = "held_photos"
MAX_PER_SESSION = 18
LIMIT_PER_ADDRESS = 60
HOLD_HOURS = 24


def held_tokens(session) -> list[str]:
    return list(session.get(SESSION_KEY, []))


def photo_hold(*, request, upload) -> HeldPhoto:
    """Clean and keep one uploaded photo for this browser session; a file that is no photo is refused like on submit."""
    tokens = held_tokens(request.session)
    if len(tokens) >= MAX_PER_SESSION or over_limit(f"held-photos:ip:{request.META.get('REMOTE_ADDR', '')}", LIMIT_PER_ADDRESS):
        raise ValidationError(_("Too many photos kept for this form; choose them again when you send it."))
    upload.seek(0)
    cleaned = image_clean(upload, name_prefix="held")
    held = HeldPhoto(token=secrets.token_urlsafe(16), image=cleaned, thumbnail=image_thumbnail(cleaned))
    try:
        # A savepoint: a failed file write must not break a transaction the caller is in.
        with transaction.atomic():
            held.save()
    except OSError as exc:
        written_files_remove(held.image, held.thumbnail)
        raise storage_failed() from exc
    request.session[SESSION_KEY] = [*tokens, held.token]
    return held


def photos_held(*, request, tokens) -> list[HeldPhoto]:
    """The held photos among `tokens` that this session sent, in the order given; others are ignored as if never sent."""
    mine = set(held_tokens(request.session)) & set(tokens)
    found = {photo.token: photo for photo in HeldPhoto.objects.filter(token__in=mine)}
    return [found[token] for token in dict.fromkeys(tokens) if token in found]


def photos_release(*, request, photos) -> None:
    """Forget photos once the form that used them is stored (their content now lives with the record)."""
    tokens = {photo.token for photo in photos}
    request.session[SESSION_KEY] = [token for token in held_tokens(request.session) if token not in tokens]
    _delete(HeldPhoto.objects.filter(token__in=tokens))


def held_photos_purge(*, now=None) -> int:
    """Delete every photo held longer than HOLD_HOURS (the hourly housekeeping and `manage.py purge_expired`)."""
    return _delete(HeldPhoto.objects.filter(created_at__lt=(now or timezone.now()) - timedelta(hours=HOLD_HOURS)))


def _delete(queryset) -> int:
    files = [(photo.image, photo.thumbnail) for photo in queryset]
    count, _deleted = queryset.delete()

    def remove_files():
        for pair in files:
            for field in pair:
                field.storage.delete(field.name)

    transaction.on_commit(remove_files)
    return count
