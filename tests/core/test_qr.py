from django.utils.safestring import SafeString

from core.qr import qr_svg


def test_qr_is_inline_svg_sized_by_box_and_border():
    small = qr_svg("https://example.org/c/abc", box_size=8, border=2)
    large = qr_svg("https://example.org/c/abc", box_size=10)
    assert isinstance(small, SafeString)
    assert small.startswith("<svg") and "<path" in small
    assert small != large
