"""QR codes as inline SVG, for heart-link cards and the check-in screen."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, box_size: int, border: int = 4) -> SafeString:
    """An SVG of `url`; callers pass only URLs the product built itself, so the markup is safe to inline."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=border)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308
