"""When Redis is gone the pages anyone may post keep working, and an error page says what to do in Chinese."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from core import throttle
from households.models import Household
from resident_requests.models import Category, ResidentRequest


class DeadCache:
    """A cache whose server is down: every call fails the way redis-py fails."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return fail


@pytest.fixture
def redis_down(monkeypatch):
    monkeypatch.setattr(throttle, "cache", DeadCache())
    throttle._local.clear()
    yield
    throttle._local.clear()


def test_limits_count_in_memory_while_the_cache_is_down(redis_down):
    assert [throttle.over_limit("k", 2) for _ in range(4)] == [False, False, True, True]


@pytest.mark.django_db
def test_the_card_form_stores_a_request_while_redis_is_down(client, redis_down):
    household = Household.objects.filter(status=Household.Status.ACTIVE).order_by("pk").first()
    body = {"category": Category.objects.get(code="property-3").pk, "description": "楼道灯坏了，Redis 停了也要能报", "website": ""}
    response = client.post(reverse("public-report", args=[household.public_token]), body)
    assert response.status_code == 302
    assert ResidentRequest.objects.filter(description=body["description"]).exists()


def test_the_500_page_is_chinese_and_says_what_to_do(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "系统出了点问题" in page and "返回" in page


@pytest.mark.django_db
def test_a_full_upload_disk_loses_nothing_typed_and_leaves_no_file(client, settings, tmp_path, monkeypatch):
    """The disk fills up after the first photo is written: the resident is told, nothing is stored, no orphan file."""
    import io
    import os

    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    real_save, writes = FileSystemStorage._save, []

    def save_until_full(self, name, content):
        if len(writes) >= 1:
            raise OSError(28, "No space left on device")
        writes.append(name)
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save_until_full)

    def jpeg(name):
        buffer = io.BytesIO()
        Image.new("RGB", (60, 40), "blue").save(buffer, format="JPEG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    household = Household.objects.filter(status=Household.Status.ACTIVE).order_by("pk").first()
    body = {
        "category": Category.objects.get(code="property-3").pk,
        "description": "磁盘满了也要说清楚",
        "website": "",
        "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
    }
    response = client.post(reverse("public-report", args=[household.public_token]), body)
    assert response.status_code == 200
    assert "存储空间" in response.content.decode() and "磁盘满了也要说清楚" in response.content.decode()
    assert not ResidentRequest.objects.filter(description=body["description"]).exists()
    assert [path for _root, _dirs, files in os.walk(tmp_path) for path in files] == []
