"""Photos chosen on a form that comes back with errors are kept: the sender sends the form again without choosing them."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from governance.held_photos import held_photos_purge
from governance.models import HeldPhoto
from households.models import Household
from resident_requests.models import Category, RequestPhoto, ResidentRequest

pytestmark = pytest.mark.django_db


def jpeg(name="p.jpg", colour=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def grid1_household() -> Household:
    return Household.objects.filter(grid__name="幸福第1网格", status=Household.Status.ACTIVE).order_by("pk").first()


@pytest.fixture
def card_url():
    household = grid1_household()
    return reverse("public-report", args=[household.public_token]), household


def leaf_category():
    return Category.objects.filter(active=True, parent__isnull=False).first()


def test_public_form_keeps_photos_after_an_error_and_sends_them(client, card_url):
    url, household = card_url
    # The description is too short: the form comes back, the two photos are kept and shown ticked.
    response = client.post(url, {"category": leaf_category().pk, "description": "漏", "photos": [jpeg("a.jpg"), jpeg("b.jpg", (0, 90, 200))]})
    assert response.status_code == 200
    tokens = response.context["form"].data.getlist("photos_kept")
    assert len(tokens) == 2
    page = response.content.decode()
    assert page.count("data-kept-photos") == 1 and all(reverse("held-photo", kwargs={"token": token}) in page for token in tokens)
    assert client.get(reverse("held-photo", kwargs={"token": tokens[0]})).status_code == 200
    # Sent again without choosing any file: the request carries both photos and the kept copies are gone.
    response = client.post(url, {"category": leaf_category().pk, "description": "楼道灯坏了三天", "photos_kept": tokens})
    assert response.status_code == 302
    created = ResidentRequest.objects.get(household=household, description="楼道灯坏了三天")
    assert RequestPhoto.objects.filter(request=created).count() == 2
    assert not HeldPhoto.objects.filter(token__in=tokens).exists()


def test_unticked_kept_photo_is_left_out(client, card_url):
    url, _household = card_url
    response = client.post(url, {"category": leaf_category().pk, "description": "漏", "photos": [jpeg("a.jpg"), jpeg("b.jpg")]})
    tokens = response.context["form"].data.getlist("photos_kept")
    client.post(url, {"category": leaf_category().pk, "description": "楼道灯坏了两天", "photos_kept": tokens[:1]})
    assert ResidentRequest.objects.get(description="楼道灯坏了两天").photos.count() == 1


def test_another_browser_cannot_see_or_use_a_kept_photo(client, card_url):
    """The attack: a token read over a shoulder or from a log is replayed from another session."""
    url, _household = card_url
    response = client.post(url, {"category": leaf_category().pk, "description": "漏", "photos": [jpeg()]})
    token = response.context["form"].data.getlist("photos_kept")[0]
    other = client.__class__()
    assert other.get(reverse("held-photo", kwargs={"token": token})).status_code == 404
    other.post(url, {"category": leaf_category().pk, "description": "别人的照片拿来用", "photos_kept": [token]})
    assert ResidentRequest.objects.get(description="别人的照片拿来用").photos.count() == 0
    assert HeldPhoto.objects.filter(token=token).exists()


def test_a_file_that_is_no_photo_is_refused_not_kept(client, card_url):
    url, _household = card_url
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(url, {"category": leaf_category().pk, "description": "漏", "photos": [fake]})
    assert "photos" in response.context["form"].errors
    assert HeldPhoto.objects.count() == 0


def test_grid_worker_visit_keeps_its_photo(login):
    household = grid1_household()
    client = login("grid1")
    url = reverse("visit-create", kwargs={"pk": household.pk})
    response = client.post(url, {"visited_at": "not a time", "method": "door", "photo": jpeg()})
    token = response.context["form"].data.getlist("photo_kept")[0]
    response = client.post(url, {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "door", "photo_kept": [token]})
    assert response.status_code == 302
    assert household.visits.latest("pk").photo.name


def test_purge_deletes_photos_kept_longer_than_a_day(client, card_url):
    url, _household = card_url
    client.post(url, {"category": leaf_category().pk, "description": "漏", "photos": [jpeg()]})
    assert held_photos_purge() == 0
    assert held_photos_purge(now=timezone.now() + timedelta(hours=25)) == 1
    assert HeldPhoto.objects.count() == 0


def test_handling_keeps_result_photos_when_the_note_is_missing(login):
    req = ResidentRequest.objects.filter(grid__name="幸福第1网格", status="in_progress").first()
    client = login(req.handler.username)
    url = reverse("request-act", kwargs={"pk": req.pk, "action": "handle"})
    response = client.post(url, {"note": "", "photos": [jpeg()]})
    assert response.status_code == 400 and b"data-kept-photos" in response.content
    token = HeldPhoto.objects.get().token
    response = client.post(url, {"note": "灯已换好", "photos_kept": [token]})
    assert response.status_code == 302
    assert req.photos.filter(kind=RequestPhoto.Kind.RESULT).count() == 1
