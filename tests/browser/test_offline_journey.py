"""The grid worker's phone without a network: pages kept, work queued with photos, sent exactly once when back."""

import pytest
from django.utils import translation
from PIL import Image

from governance.models import User
from households.models import Household
from resident_requests.lifecycle import RequestAction, Status
from resident_requests.models import RequestPhoto, ResidentRequest
from resident_requests.services.escalation import request_escalate
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, log_in, no_horizontal_scroll, shoot
from tests.conftest import seed_world
from tests.factories import ResidentRequestFactory, cadre_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(action: str) -> str:
    with translation.override("zh-hans"):
        return str(RequestAction(action).label)


def photo(tmp_path, name):
    path = tmp_path / name
    Image.new("RGB", (3000, 2000), "orange").save(path, format="JPEG")
    return str(path)


def ready_offline(page, username):
    """Log in online and wait until the phone has kept the user's pages."""
    log_in(page, username, lands_on="/today/")
    page.wait_for_function("document.body.dataset.offlineKept !== undefined", timeout=60_000)
    assert int(page.evaluate("document.body.dataset.offlineKept")) > 5


def badge(page) -> str:
    return page.locator("[data-sync-badge]").inner_text()


def test_offline_visit_and_handling_arrive_once_with_photos(phone, tmp_path):
    grid = User.objects.get(username="grid1").memberships.get().grid
    household = Household.objects.filter(grid=grid, status="active").order_by("pk").first()
    req = ResidentRequestFactory(grid=grid, status=Status.IN_PROGRESS)
    visits_before = household.visits.count()
    ready_offline(phone, "grid1")

    phone.context.set_offline(True)
    phone.goto(f"{phone.base_url}/households/{household.pk}/visits/new/")
    assert phone.locator("[data-offline-banner]").is_visible() and "离线" in phone.locator("[data-offline-banner]").inner_text()
    phone.get_by_label("发现情况").fill("老人身体还好，提到楼道灯坏了")
    phone.locator("input[name=photo]").set_input_files(photo(tmp_path, "visit.jpg"))
    phone.locator("form.visit-form button[type=submit]").click()
    phone.locator("[data-queued]").wait_for()

    phone.goto(f"{phone.base_url}/requests/{req.pk}/")
    handle = phone.locator("details", has=phone.locator("summary", has_text=label("handle")))
    handle.locator("summary").click()
    handle.locator("textarea[name=note]").fill("已更换楼道灯泡")
    handle.locator("input[name=photos]").set_input_files(photo(tmp_path, "done.jpg"))
    handle.get_by_role("button", name=label("handle")).click()
    phone.locator("[data-queued]").wait_for()
    assert "待同步 2" in badge(phone).replace("\n", " ")
    assert no_horizontal_scroll(phone)
    shoot(phone, "offline-queued-360")
    phone.goto(f"{phone.base_url}/offline/")
    assert phone.locator("[data-sync-list] li").count() == 2
    shoot(phone, "offline-queue-list-360")

    # Back online: both arrive, once, photos included (made smaller on the phone: 3000 px → at most 1600).
    phone.context.set_offline(False)
    phone.wait_for_function("document.querySelectorAll('[data-sync-list] li').length === 0", timeout=30_000)
    assert household.visits.count() == visits_before + 1
    visit = household.visits.latest("pk")
    assert visit.photo.name and max(visit.photo.width, visit.photo.height) <= 1600
    req.refresh_from_db()
    assert req.status == Status.HANDLED
    assert RequestPhoto.objects.filter(request=req, kind=RequestPhoto.Kind.RESULT).count() == 1
    # Opening the app again sends nothing twice.
    phone.goto(f"{phone.base_url}/today/")
    phone.wait_for_load_state("networkidle")
    assert household.visits.count() == visits_before + 1


def test_a_conflict_is_explained_and_the_notes_are_kept(phone, tmp_path):
    grid = User.objects.get(username="grid1").memberships.get().grid
    req = ResidentRequestFactory(grid=grid, status=Status.IN_PROGRESS)
    ready_offline(phone, "grid1")
    phone.context.set_offline(True)
    phone.goto(f"{phone.base_url}/requests/{req.pk}/")
    handle = phone.locator("details", has=phone.locator("summary", has_text=label("handle")))
    handle.locator("summary").click()
    handle.locator("textarea[name=note]").fill("下午联系了物业，师傅明天来修")
    handle.get_by_role("button", name=label("handle")).click()
    phone.locator("[data-queued]").wait_for()

    # Meanwhile the community moves it up to the street: the worker is no longer its handler.
    cadre = cadre_of(grid.community)
    request_escalate(resident_request=ResidentRequest.objects.get(pk=req.pk), actor=cadre, reason="需要街道协调物业公司")

    phone.context.set_offline(False)
    phone.goto(f"{phone.base_url}/offline/")
    item = phone.locator("[data-sync-list] li[data-state=conflict]")
    item.wait_for(timeout=30_000)
    message = item.locator("[data-sync-message]").inner_text()
    assert "未执行" in message and (cadre.full_name or cadre.username) in message
    assert "下午联系了物业，师傅明天来修" in item.locator("[data-sync-kept]").inner_text()
    shoot(phone, "offline-conflict-360")
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED and req.handler_id is None


def test_the_app_is_installable(browser, live_server, transactional_db, tmp_path):
    """Chromium's own installability checks, in a normal (not incognito) profile as on a phone."""
    seed_world()
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS, viewport={"width": 360, "height": 740}, locale="zh-CN"
    )
    try:
        page = context.new_page()
        log_in(page, "grid1", base_url=live_server.url, lands_on="/today/")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        session = context.new_cdp_session(page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        manifest = session.send("Page.getAppManifest")
        assert not manifest.get("errors") and "网格通" in manifest["data"]
    finally:
        context.close()
