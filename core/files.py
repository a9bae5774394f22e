"""Answering a stored file (photo, monthly report) once a view has loaded the record it belongs to.

Security invariant: no URL maps to MEDIA_ROOT. Each app serves its own files from views that first load the owning
record through that app's scoped selector (out of scope = 404, like missing), then call `file_response`. Stored
names carry random tokens, so a leaked proxy rule or log line does not make the other files guessable.
"""

import mimetypes
import secrets
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _


def stored_name(prefix: str, extension: str) -> str:
    """A file name nobody can guess: the prefix says what it is, 128 random bits make it unique."""
    return f"{prefix}-{secrets.token_urlsafe(16)}.{extension}"


def storage_failed() -> ValidationError:
    """What the sender is told when the upload disk is full or not writable: nothing was stored, what they typed stays."""
    return ValidationError(
        _("The photo could not be stored: the server's storage is full or not writable. Nothing was saved; send it again later, or without the photo.")
    )


def written_files_remove(*fields) -> None:
    """Delete the files these FileFields already wrote, after a later write failed: no orphan file stays on the disk."""
    for field in fields:
        if field and getattr(field, "_committed", False) and field.name:
            field.storage.delete(field.name)


def file_response(field, *, attachment: bool = False, filename: str = "") -> HttpResponse:
    """The file of a FileField: by the app (FileResponse), or by the proxy when MEDIA_ACCEL_REDIRECT_PREFIX is set."""
    name = field.name if field else ""
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise Http404
    filename = filename or name.rsplit("/", 1)[-1]
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix:
        # nginx serves the bytes from its internal location; the scope check has already happened here.
        response = HttpResponse(content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream")
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(name)}"
        response["Content-Disposition"] = content_disposition_header(attachment, filename)
    else:
        try:
            handle = field.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=attachment, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Only the browser of who may see the record keeps a copy; a shared cache must not.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
