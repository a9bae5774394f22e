"""Uploaded photos: content checked (not the name), orientation applied, metadata (GPS) stripped, size bounded.

Security invariant: a photo is never fully decoded unless its header says it has at most IMAGE_MAX_PIXELS pixels;
a small file that claims a huge canvas (a decompression bomb) is refused from its header alone, as a validation
error. Every stored name carries a random token, so a file name cannot be guessed from a record's id.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from core.files import stored_name

# iPhones send HEIC; it is read here and stored as JPEG, which every phone browser shows.
register_heif_opener()

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "jpg"}
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2000
# Pillow's own guard as a backstop for every other Image.open (e.g. Django's ImageField): it errors at twice this.
Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS


def _unreadable() -> ValidationError:
    return ValidationError(_("This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."))


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("This photo has too many pixels; send one of at most %(megapixels)d million pixels.") % {"megapixels": settings.IMAGE_MAX_PIXELS // 1_000_000}
    )


def _open_bounded(uploaded) -> Image.Image:
    """Open lazily and check the format and the pixel count from the header before anything is decoded."""
    image = Image.open(uploaded)
    if image.format not in ALLOWED_FORMATS:
        raise _unreadable()
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels()
    return image


def image_clean(uploaded, *, name_prefix: str) -> ContentFile:
    if uploaded.size > MAX_BYTES:
        raise ValidationError(_("A photo may be at most 10 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open_bounded(uploaded) as probe:
                probe.verify()
            uploaded.seek(0)
            image = _open_bounded(uploaded)
            # JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers MAX_SIDE: less memory and time.
            image.draft(None, (MAX_SIDE, MAX_SIDE))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _unreadable() from exc
    extension = ALLOWED_FORMATS[image.format]
    # Re-encoding from pixels drops EXIF, including the location the phone recorded.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if extension == "jpg":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format={"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[extension], quality=85)
    return ContentFile(buffer.getvalue(), name=stored_name(name_prefix, extension))


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
