"""QR codes as inline SVG, for heart-link cards and the check-in screen."""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe


def public_url(request, path: str) -> str:
    """The address printed in a QR code: PUBLIC_BASE_URL when set, since a card printed on an office intranet must still open
    on a resident's phone; otherwise the address the page was asked on."""
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def qr_svg(url: str, *, box_size: int, border: int = 4) -> SafeString:
    """An SVG of `url`; callers pass only URLs the product built itself, so the markup is safe to inline."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=border)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308
