"""Request pages: public form and status page, queue, board, request page actions, scope and query counts."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from households.models import Household
from resident_requests.lifecycle import Status
from resident_requests.models import Category, RequestPhoto, ResidentRequest
from resident_requests.services.workflow import (
    request_accept,
    request_answer,
    request_dispatch,
    request_follow_up,
    request_handle,
    request_take,
    request_verify,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def household(username="grid1"):
    from governance.models import User

    grid = User.objects.get(username=username).memberships.get().grid
    return Household.objects.filter(grid=grid, status="active").order_by("id").first()


def jpeg_with_location() -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def post_public(client, data=None, files=None, **headers):
    base = {
        "category": Category.objects.get(code="property-3").pk,
        "description": "楼道灯坏了一周了",
        "reporter_name": "王大妈",
        "phone": "13812345678",
        "website": "",
    }
    return client.post(reverse("public-report", args=[household().public_token]), {**base, **(data or {}), **(files or {})}, **headers)


def test_resident_files_from_the_card_and_follows_it_without_login(client):
    response = post_public(client, files={"photos": [jpeg_with_location()]})
    assert response.status_code == 302
    created = ResidentRequest.objects.latest("created_at")
    assert response["Location"] == reverse("public-track", args=[created.tracking_code])
    assert created.household == household() and created.source == ResidentRequest.Source.PUBLIC_FORM
    assert created.phone_masked == "138****5678"
    photo = created.photos.get()
    with Image.open(photo.image) as stored:
        assert not stored.getexif()
    status_page = client.get(response["Location"]).content.decode()
    assert created.tracking_code in status_page
    for private in ("王大妈", "13812345678", "138****5678", household().room):
        assert private not in status_page


def test_the_honeypot_stores_nothing_and_answers_the_form_again(client):
    before = ResidentRequest.objects.count()
    response = post_public(client, {"website": "http://spam"})
    assert response.status_code == 200
    assert ResidentRequest.objects.count() == before


def test_the_public_form_is_limited_per_phone(client):
    codes = [post_public(client, {"description": f"第{index}次反映楼道灯"}).status_code for index in range(4)]
    assert codes == [302, 302, 302, 200]


def test_a_file_that_is_not_a_photo_is_refused(client):
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    response = post_public(client, files={"photos": [fake]})
    assert response.status_code == 200
    assert "照片" in str(response.context["form"].errors) or "photo" in str(response.context["form"].errors)
    assert not ResidentRequest.objects.filter(description="楼道灯坏了一周了").exists()
    assert not RequestPhoto.objects.exists()


def test_a_retried_post_with_the_same_idempotency_key_makes_one_request(client):
    post_public(client, HTTP_IDEMPOTENCY_KEY="phone-retry-1")
    post_public(client, HTTP_IDEMPOTENCY_KEY="phone-retry-1")
    assert ResidentRequest.objects.filter(description="楼道灯坏了一周了").count() == 1


def test_resident_rates_on_the_status_page(client, new_request, user):
    community1, grid1 = user("community1"), user("grid1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    request = request_handle(resident_request=request_take(resident_request=request, actor=grid1), actor=grid1, result_note="已修好")
    request_answer(resident_request=request_verify(resident_request=request, actor=community1, passed=True), actor=community1, answer_note="灯已修好")
    response = client.post(reverse("public-track", args=[request.tracking_code]), {"rating": 5, "note": "谢谢"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.rating == 5


def test_pages_walk_the_loop(login, new_request, user):
    request = new_request()
    community = login("community1")
    assert request in community.get(reverse("request-board")).context["page"].object_list
    community.post(reverse("request-act", args=[request.pk, "accept"]))
    community.post(reverse("request-act", args=[request.pk, "dispatch"]), {"handler": user("grid1").pk, "note": "请尽快处理"})
    grid = login("grid1")
    assert request in grid.get(reverse("request-queue")).context["page"].object_list
    grid.post(reverse("request-act", args=[request.pk, "take"]))
    response = grid.post(reverse("request-act", args=[request.pk, "handle"]), {"note": "已更换灯泡", "photos": [jpeg_with_location()]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.HANDLED and request.photos.filter(kind="result").count() == 1


def test_a_refused_action_keeps_what_was_typed(login, new_request):
    request = new_request()
    response = login("community1").post(reverse("request-act", args=[request.pk, "refuse"]), {"note": "x"})
    assert response.status_code == 400
    assert "x</textarea>" in response.content.decode()


def test_actions_outside_role_or_area_are_refused(login, new_request):
    request = new_request()
    assert login("grid1").post(reverse("request-act", args=[request.pk, "accept"])).status_code == 403
    assert login("grid2").get(reverse("request-detail", args=[request.pk])).status_code == 404
    assert login("community2").get(reverse("request-detail", args=[request.pk])).status_code == 404
    assert login("community2").post(reverse("request-act", args=[request.pk, "accept"])).status_code == 404


def test_a_visit_need_becomes_a_request_in_one_step(login, user):
    from households.services import visit_record

    home = household()
    visit = visit_record(actor=user("grid1"), household=home, needs="希望安排助餐服务")
    client = login("grid1")
    form = client.get(reverse("request-intake") + f"?visit={visit.pk}").context["form"]
    assert form.initial["description"] == "希望安排助餐服务"
    response = client.post(
        reverse("request-intake") + f"?visit={visit.pk}",
        {
            "source": "visit",
            "category": Category.objects.get(code="assistance-2").pk,
            "urgency": "scheduled",
            "description": "希望安排助餐服务",
            "grid": home.grid_id,
            "building": home.building_id,
        },
    )
    assert response.status_code == 302
    created = ResidentRequest.objects.get(visit=visit)
    assert created.household == home and created.source == ResidentRequest.Source.VISIT


def test_queue_and_board_query_counts_do_not_grow(login, new_request, user):
    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    community1 = user("community1")
    for _ in range(2):
        request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=user("grid1"))
        new_request()
    grid, community = login("grid1"), login("community1")
    before = (count(grid, reverse("request-queue")), count(community, reverse("request-board")), count(community, reverse("request-overdue")))
    for _ in range(5):
        request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=user("grid1"))
        new_request()
    assert (count(grid, reverse("request-queue")), count(community, reverse("request-board")), count(community, reverse("request-overdue"))) == before


def test_figures_equal_an_independent_count(login, new_request, user):
    from django.utils import timezone

    community1, grid1 = user("community1"), user("grid1")
    closed = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    closed = request_handle(resident_request=request_take(resident_request=closed, actor=grid1), actor=grid1, result_note="已处理好")
    closed = request_answer(resident_request=request_verify(resident_request=closed, actor=community1, passed=True), actor=community1, answer_note="已答复")
    request_follow_up(resident_request=closed, rating=ResidentRequest.Rating.FAIRLY_SATISFIED)
    request_accept(resident_request=new_request(), actor=community1)
    new_request()
    rows = {row["key"]: row for row in login("community1").get(reverse("request-figures")).context["rows"]}
    # Independently, in Python over the community's records of this month.
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    mine = list(ResidentRequest.objects.filter(grid__community=user("community1").memberships.get().community))
    valid = [r for r in mine if r.created_at >= start and r.status != "merged" and not (r.status == "withdrawn" and r.accepted_at is None)]
    assert (rows["acceptance"]["numerator"], rows["acceptance"]["denominator"]) == (sum(1 for r in valid if r.accepted_at), len(valid))
    rated = [r for r in mine if r.status == "closed" and r.closed_at and r.closed_at >= start and r.rating]
    assert (rows["satisfaction"]["numerator"], rows["satisfaction"]["denominator"]) == (sum(1 for r in rated if r.rating >= 3), len(rated))
    assert closed.pk in {r.pk for r in rated}
    # Nothing in an empty period, and no division by zero.
    empty = {row["key"]: row for row in login("community1").get(reverse("request-figures") + "?from=2020-01-01&to=2020-01-31").context["rows"]}
    assert all(row["denominator"] == 0 and row["rate"] is None for row in empty.values())


def test_heic_photos_from_iphones_are_accepted_and_stored_as_jpeg(client):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "blue").save(buffer, format="HEIF")
    heic = SimpleUploadedFile("IMG_0001.HEIC", buffer.getvalue(), content_type="image/heic")
    assert post_public(client, files={"photos": [heic]}).status_code == 302
    photo = RequestPhoto.objects.latest("id")
    assert photo.image.name.endswith(".jpg") and "-thumb" in photo.thumbnail.name and photo.thumbnail.name.endswith(".jpg")


def test_the_community_link_lets_the_resident_choose_the_grid(client):
    community = household().grid.community
    grid = community.grids.order_by("sequence").last()
    url = reverse("public-community-report", args=[community.code])
    response = client.post(
        url,
        {
            "category": Category.objects.get(code="sanitation-1").pk,
            "description": "小区东门垃圾堆放",
            "grid": grid.pk,
            "building": grid.buildings.get(number=2).pk,
            "website": "",
        },
    )
    assert response.status_code == 302
    created = ResidentRequest.objects.latest("created_at")
    assert created.grid == grid and created.building == grid.buildings.get(number=2) and created.household is None
    other = household("grid3").grid
    assert (
        client.post(url, {"category": Category.objects.get(code="other").pk, "description": "别的社区的网格", "grid": other.pk, "website": ""}).status_code
        == 200
    )
    assert client.get(reverse("public-community-report", args=["000000000000"])).status_code == 404


def test_a_volunteer_reports_a_problem_in_their_community(login, user):
    client = login("volunteer1")
    form = client.get(reverse("request-intake")).context["form"]
    community = user("volunteer1").memberships.get().community
    assert {pk for pk, _label in form.fields["grid"].choices} == set(community.grids.values_list("pk", flat=True))
    grid = community.grids.first()
    response = client.post(
        reverse("request-intake"),
        {
            "source": "volunteer",
            "category": Category.objects.get(code="hazard-1").pk,
            "urgency": "immediate",
            "description": "消防通道被私家车堵住",
            "grid": grid.pk,
        },
    )
    created = ResidentRequest.objects.get(source="volunteer", grid=grid, created_by=user("volunteer1"))
    assert response["Location"] == reverse("public-track", args=[created.tracking_code])


def test_photos_are_served_only_inside_the_requests_scope(client, login):
    post_public(client, files={"photos": [jpeg_with_location()]})
    photo = RequestPhoto.objects.latest("id")
    url = reverse("request-photo", args=[photo.request_id, photo.pk, "full"])
    assert login("community1").get(url).status_code == 200
    assert login("community1").get(reverse("request-photo", args=[photo.request_id, photo.pk, "thumb"])).status_code == 200
    assert login("community2").get(url).status_code == 404
    assert login("community1").get(photo.image.url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_buildings_are_picked_from_the_chosen_grids_list(client, login):
    """The community link lists the chosen grid's buildings by name; a building of another grid is refused in words."""
    community = household().grid.community
    first, last = community.grids.order_by("sequence")[:2]
    url = reverse("public-community-report", args=[community.code])
    options = client.get(reverse("public-community-buildings", args=[community.code]), {"grid": last.pk}).json()["buildings"]
    assert [o["id"] for o in options[1:]] == list(last.buildings.order_by("number").values_list("pk", flat=True))
    assert options[1]["label"].startswith(last.buildings.get(number=1).name)
    # A grid of another community is not offered through this community's link.
    assert client.get(reverse("public-community-buildings", args=[community.code]), {"grid": household("grid3").grid_id}).status_code == 404
    body = {"category": Category.objects.get(code="sanitation-1").pk, "description": "小区东门垃圾堆放", "website": ""}
    response = client.post(url, {**body, "grid": last.pk, "building": first.buildings.get(number=1).pk})
    assert response.status_code == 200
    assert "不在你选的网格" in str(response.context["form"].errors["building"])
    # The form comes back listing the chosen grid's buildings.
    assert {value for value, _label in response.context["form"].fields["building"].choices if value} == set(last.buildings.values_list("pk", flat=True))
    # A grid worker's intake lists their grid's buildings at once; another area's grid answers 404.
    form = login("grid1").get(reverse("request-intake")).context["form"]
    grid1 = household().grid
    assert {value for value, _label in form.fields["building"].choices if value} == set(grid1.buildings.values_list("pk", flat=True))
    assert login("grid1").get(reverse("request-intake-buildings"), {"grid": household("grid3").grid_id}).status_code == 404
