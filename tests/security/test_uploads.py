"""Uploads: decompression bombs, oversized bodies, and every path a photo can take into the system."""

import functools
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from governance.models import User
from households.models import Household, Visit
from resident_requests.models import Category, RequestPhoto, ResidentRequest
from resident_requests.services.intake import request_submit
from resident_requests.services.workflow import request_accept, request_dispatch, request_take
from volunteers import services as volunteer_services
from volunteers.models import Wish

pytestmark = pytest.mark.django_db

PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def png_bomb(side: int, *, full: bool) -> bytes:
    """An RGB PNG of side × side black pixels; `full` compresses every row (a real 420 KB bomb at 12000), else only the header is honest."""
    row = bytes(1 + side * 3)
    compressor = zlib.compressobj(9)
    rows = side if full else 1
    data = b"".join(compressor.compress(row) for _ in range(rows)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def bomb_uploads() -> list[SimpleUploadedFile]:
    """What the review sent: three 420 KB PNGs of 12000 × 12000, and a 48 KB-class PNG claiming 20000 × 20000."""
    big = png_bomb(12000, full=True)
    files = [SimpleUploadedFile(f"bomb{index}.png", big, content_type="image/png") for index in range(3)]
    return [*files, SimpleUploadedFile("huge.png", png_bomb(20000, full=False), content_type="image/png")]


def small_bomb() -> SimpleUploadedFile:
    return SimpleUploadedFile("huge.png", png_bomb(20000, full=False), content_type="image/png")


def _kib(field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+) kB", PROC_STATUS.read_text()).group(1))


def peak_memory_growth_mib(action) -> tuple[float, object]:
    """Resets the process's peak resident size (Linux), runs `action`, and returns how far the peak rose above the start."""
    if not PROC_CLEAR_REFS.exists():
        pytest.skip("needs Linux /proc/self/clear_refs to measure the peak memory")
    PROC_CLEAR_REFS.write_text("5")
    start = _kib("VmRSS")
    result = action()
    return (_kib("VmHWM") - start) / 1024, result


def grid1_household() -> Household:
    grid = User.objects.get(username="grid1").memberships.get().grid
    return Household.objects.filter(grid=grid, status="active").order_by("id").first()


def public_post(client, url: str, files, **extra):
    data = {
        "category": Category.objects.get(code="property-3").pk,
        "description": "楼道灯坏了一周了，想请人来修",
        "reporter_name": "王大妈",
        "website": "",
        "photos": files,
        **extra,
    }
    return client.post(url, data)


@pytest.mark.parametrize("form", ["card", "community"])
def test_attack_decompression_bomb_pngs_on_the_public_forms_cost_little_memory_and_answer_the_form(client, form):
    household = grid1_household()
    if form == "card":
        url, extra = reverse("public-report", args=[household.public_token]), {}
    else:
        url, extra = reverse("public-community-report", args=[household.grid.community.code]), {"grid": household.grid_id}
    files = bomb_uploads()
    before = ResidentRequest.objects.count()
    growth, response = peak_memory_growth_mib(lambda: public_post(client, url, files, **extra))
    assert response.status_code == 200
    assert "像素" in response.content.decode()
    assert growth < 200, f"posting the bombs raised the peak memory by {growth:.0f} MiB"
    assert ResidentRequest.objects.count() == before
    assert not RequestPhoto.objects.exists()


def test_attack_body_larger_than_the_limit_is_refused_before_it_is_read(client):
    household = grid1_household()
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8" + bytes(4096), content_type="image/jpeg")
    before = ResidentRequest.objects.count()
    with override_settings(UPLOAD_MAX_REQUEST_BYTES=2048):
        response = public_post(client, reverse("public-report", args=[household.public_token]), [photo])
    assert response.status_code == 413
    assert "太大" in response.content.decode()
    assert ResidentRequest.objects.count() == before


def test_a_phone_photo_within_the_limits_is_still_accepted(client):
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), "red").save(buffer, format="JPEG")
    photo = SimpleUploadedFile("phone.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = public_post(client, reverse("public-report", args=[grid1_household().public_token]), [photo])
    assert response.status_code == 302
    stored = RequestPhoto.objects.get()
    assert max(Image.open(stored.image).size) == 2000


def test_attack_bomb_through_the_staff_intake_page_is_a_form_error(login):
    grid = User.objects.get(username="grid1").memberships.get().grid
    data = {
        "source": "patrol",
        "category": Category.objects.get(code="property-3").pk,
        "urgency": "scheduled",
        "description": "巡查发现楼道灯坏了",
        "grid": grid.pk,
        "photos": [small_bomb()],
    }
    response = login("grid1").post(reverse("request-intake"), data)
    assert response.status_code == 200
    assert "像素" in response.content.decode()
    assert not ResidentRequest.objects.filter(description="巡查发现楼道灯坏了").exists()


def test_attack_bomb_as_a_handling_result_photo_is_refused(login, api):
    household = grid1_household()
    grid1 = User.objects.get(username="grid1")
    req = request_submit(
        source=ResidentRequest.Source.PUBLIC_FORM,
        category=Category.objects.get(code="property-3"),
        description="楼道灯坏了一周了",
        grid=household.grid,
        building=household.building,
        household=household,
    )
    community1 = User.objects.get(username="community1")
    request_accept(resident_request=req, actor=community1)
    request_dispatch(resident_request=req, actor=community1, handler=grid1)
    request_take(resident_request=req, actor=grid1)
    response = login("grid1").post(reverse("request-act", args=[req.pk, "handle"]), {"note": "已更换灯泡", "photos": [small_bomb()]})
    assert response.status_code == 400
    assert "像素" in response.content.decode()
    assert not req.photos.exists()


def test_attack_bomb_as_a_visit_photo_is_refused(login):
    household = grid1_household()
    before = Visit.objects.filter(household=household).count()
    response = login("grid1").post(
        reverse("visit-create", args=[household.pk]), {"visited_at": "2026-11-01T10:00", "method": "door", "findings": "一切正常", "photo": bomb_uploads()[0]}
    )
    assert response.status_code == 200
    assert "像素" in response.content.decode()
    assert Visit.objects.filter(household=household).count() == before


def test_attack_bomb_as_a_wish_fulfilment_photo_is_refused(login):
    household = grid1_household()
    community1 = User.objects.get(username="community1")
    wish = volunteer_services.wish_post(community=household.grid.community, household=household, resident_name="王大妈", content="想要一个轮椅")
    volunteer_services.wish_review(actor=community1, wish=wish, publish=True)
    unit = household.grid.community.resident_units.first()
    volunteer_services.wish_claim(wish=wish, unit=unit, actor=community1)
    client = login("community1")
    response = client.post(reverse("volunteer-wish-act", args=[wish.pk, "fulfil"]), {"note": "已送到家", "photo": small_bomb()}, follow=True)
    assert "像素" in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED and not wish.photo
