"""Stored files (request, visit and wish photos, monthly reports) are served only after the owning record's scope check.

Every test runs with DEBUG off, as in production: what works here works behind gunicorn.
"""

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from governance.models import User
from households.models import Household, Visit
from oversight.reports import monthly_report_generate
from resident_requests.models import Category, RequestPhoto, ResidentRequest
from volunteers import services as volunteer_services
from volunteers.models import Wish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_production_like")]

OUTSIDERS = ["grid3", "community2", "volunteer1", "outsider"]


@pytest.fixture
def _production_like():
    cache.clear()
    with override_settings(DEBUG=False):
        yield


def jpeg(colour: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def grid1_household() -> Household:
    grid = User.objects.get(username="grid1").memberships.get().grid
    return Household.objects.filter(grid=grid, status="active").order_by("id").first()


def public_request_with_photo(client) -> ResidentRequest:
    data = {"category": Category.objects.get(code="property-3").pk, "description": "楼道灯坏了一周了", "website": "", "photos": [jpeg()]}
    response = client.post(reverse("public-report", args=[grid1_household().public_token]), data)
    assert response.status_code == 302
    return ResidentRequest.objects.get(tracking_code=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def photo_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/[^"]*photos?[^"]*)"', html)


def test_attack_guessing_a_media_url_serves_nothing_to_anyone(client, login):
    req = public_request_with_photo(client)
    photo = req.photos.get()
    for user in ["community1", "grid1", *OUTSIDERS]:
        for name in (photo.image.name, photo.thumbnail.name):
            assert login(user).get(f"/media/{name}").status_code == 404
    with override_settings(DEBUG=True):
        assert login("volunteer1").get(f"/media/{photo.image.name}").status_code == 404


def test_attack_request_photo_outside_scope_is_404_inside_scope_is_served(client, login):
    req = public_request_with_photo(client)
    links = photo_links(login("community1").get(reverse("request-detail", args=[req.pk])).content.decode())
    assert len(links) == 2
    for url in links:
        response = login("community1").get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
        for user in OUTSIDERS:
            assert login(user).get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302


def test_attack_public_photo_needs_the_tracking_code_of_its_own_request(client, login):
    req = public_request_with_photo(client)
    other = public_request_with_photo(client)
    photo = req.photos.get()
    client.logout()
    links = photo_links(client.get(reverse("public-track", args=[req.tracking_code])).content.decode())
    assert links == [reverse("public-track-photo", args=[req.tracking_code, photo.pk, v]) for v in ("full", "thumb")]
    assert client.get(links[0]).status_code == 200
    assert client.get(reverse("public-track-photo", args=[other.tracking_code, photo.pk, "full"])).status_code == 404
    assert client.get(reverse("public-track-photo", args=["0000000000", photo.pk, "full"])).status_code == 404
    # The result photos of the resident's own request are theirs to see; never another request's.
    result = RequestPhoto.objects.create(request=req, kind=RequestPhoto.Kind.RESULT, image=photo.image.name, thumbnail=photo.thumbnail.name)
    assert client.get(reverse("public-track-photo", args=[req.tracking_code, result.pk, "full"])).status_code == 200
    assert client.get(reverse("public-track-photo", args=[other.tracking_code, result.pk, "full"])).status_code == 404


def test_stored_photo_names_cannot_be_guessed_from_the_record(client):
    req = public_request_with_photo(client)
    photo = req.photos.get()
    known = f"request-{req.pk}-report-1-"
    for name in (photo.image.name, photo.thumbnail.name):
        base = name.rsplit("/", 1)[-1]
        assert base.startswith(known), name
        # What follows the predictable part is a 128-bit random token.
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}(-thumb)?\.jpg", base.removeprefix(known)), name


def test_attack_visit_photo_outside_the_ledger_scope_is_404(login):
    household = grid1_household()
    response = login("grid1").post(
        reverse("visit-create", args=[household.pk]), {"visited_at": "2026-11-01T10:00", "method": "door", "findings": "一切正常", "photo": jpeg("blue")}
    )
    assert response.status_code == 302
    visit = Visit.objects.filter(household=household).exclude(photo="").latest("id")
    links = [link for link in photo_links(login("grid1").get(reverse("household-detail", args=[household.pk])).content.decode()) if "visits" in link]
    assert links == [reverse("visit-photo", args=[visit.pk])]
    assert login("grid1").get(links[0]).status_code == 200
    assert login("community1").get(links[0]).status_code == 200
    for user in OUTSIDERS:
        assert login(user).get(links[0]).status_code == 404


def test_attack_wish_photo_outside_the_community_is_404(login, client):
    household = grid1_household()
    community1 = User.objects.get(username="community1")
    wish = volunteer_services.wish_post(community=household.grid.community, household=household, resident_name="王大妈", content="请帮忙修好门口长椅")
    volunteer_services.wish_review(actor=community1, wish=wish, publish=True)
    volunteer_services.wish_claim(wish=wish, unit=household.grid.community.resident_units.first(), actor=community1)
    volunteer_services.wish_fulfil(wish=wish, note="已修好", actor=community1, photo=jpeg("green"))
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED and wish.photo
    url = reverse("volunteer-wish-photo", args=[wish.pk])
    assert url in login("community1").get(reverse("volunteer-wishes")).content.decode()
    assert login("community1").get(url).status_code == 200
    for user in ["grid3", "community2", "outsider"]:
        assert login(user).get(url).status_code == 404
    client.logout()
    public = reverse("public-wish-photo", args=[wish.code])
    assert public in client.get(reverse("public-wish-status", args=[wish.code])).content.decode()
    assert client.get(public).status_code == 200
    assert client.get(reverse("public-wish-photo", args=["NOSUCHCODE"])).status_code == 404


def test_attack_volunteer_cannot_fetch_a_monthly_report_file(login, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    district = user("district").memberships.get().district
    report = monthly_report_generate(node=district, month=dt.date(2026, 10, 1))
    for kind in ("pdf", "xlsx"):
        url = reverse("report-download", args=[report.pk, kind])
        response = login("district").get(url)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        assert login("volunteer1").get(url).status_code == 404
        assert login("volunteer1").get(f"/media/{getattr(report, kind).name}").status_code == 404
    assert login("district").get(reverse("report-download", args=[report.pk, "title"])).status_code == 404


def test_behind_a_proxy_the_app_answers_with_x_accel_redirect_after_the_check(client, login):
    req = public_request_with_photo(client)
    photo = req.photos.get()
    url = reverse("request-photo", args=[req.pk, photo.pk, "full"])
    with override_settings(MEDIA_ACCEL_REDIRECT_PREFIX="/protected-media/"):
        response = login("community1").get(url)
        assert response.status_code == 200 and response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
        assert response.content == b"" and response["Content-Type"] == "image/jpeg"
        assert login("community2").get(url).status_code == 404
