"""Uploaded photos: content checked (not the name), orientation applied, metadata (GPS) stripped, size bounded."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# iPhones send HEIC; it is read here and stored as JPEG, which every phone browser shows.
register_heif_opener()

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "jpg"}
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2000


def image_clean(uploaded, *, name_prefix: str) -> ContentFile:
    if uploaded.size > MAX_BYTES:
        raise ValidationError(_("A photo may be at most 10 MB."))
    try:
        with Image.open(uploaded) as probe:
            probe.verify()
        uploaded.seek(0)
        image = Image.open(uploaded)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("This file is not a photo we can read (JPEG, PNG, WebP or HEIC).")) from exc
    if image.format not in ALLOWED_FORMATS:
        raise ValidationError(_("This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."))
    extension = ALLOWED_FORMATS[image.format]
    # Re-encoding from pixels drops EXIF, including the location the phone recorded.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if extension == "jpg":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format={"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[extension], quality=85)
    return ContentFile(buffer.getvalue(), name=f"{name_prefix}.{extension}")


def image_thumbnail(cleaned: ContentFile, *, size: int = 320) -> ContentFile:
    """A small JPEG of an already cleaned photo, for lists and timelines on slow phones."""
    cleaned.seek(0)
    with Image.open(cleaned) as image:
        image = image.convert("RGB")
        image.thumbnail((size, size))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=75)
    cleaned.seek(0)
    return ContentFile(buffer.getvalue(), name=cleaned.name.rsplit(".", 1)[0] + "-thumb.jpg")
