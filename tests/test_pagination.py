"""The pagination partial keeps the filters: page 2 of a filtered list is still filtered."""

import html
import re

import pytest
from django.urls import reverse

from households.models import Household
from resident_requests.models import Category, ResidentRequest, Urgency
from resident_requests.services.intake import request_submit
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def next_page(client, response):
    """Follow the partial's "Next" link, as a browser would."""
    links = re.findall(r'<a class="page-link" href="([^"]*)">', response.content.decode())
    assert links, "the list has one page only"
    return client.get(response.request["PATH_INFO"] + html.unescape(links[-1]))


def test_page_two_of_a_household_search_keeps_the_grid_filter(login, user):
    client = login("community1")
    grid = user("grid1").memberships.get().grid
    # More than a page (30) of grid1's households, and others of the community the filter must leave out.
    HouseholdFactory.create_batch(31, building=grid.buildings.order_by("number").first())
    assert Household.objects.filter(grid__community=grid.community).exclude(grid=grid).exists()

    first = client.get(reverse("household-list"), {"grid": grid.pk})
    second = next_page(client, first)

    assert second.context["page"].number == 2
    assert {household.grid_id for household, _tags in second.context["rows"]} == {grid.pk}
    assert second.context["page"].paginator.count == first.context["page"].paginator.count


def test_the_ledger_export_links_carry_the_filters_but_not_the_page(login, user):
    grid = user("grid1").memberships.get().grid
    response = login("community1").get(reverse("household-list"), {"grid": grid.pk, "page": 2})
    body = html.unescape(response.content.decode())
    assert f'href="{reverse("ledger-export")}?grid={grid.pk}"' in body
    assert f'href="{reverse("ledger-export-full")}?grid={grid.pk}"' in body


def submit(grid, count: int) -> None:
    household = Household.objects.filter(grid=grid, status=Household.Status.ACTIVE).order_by("id").first()
    for number in range(count):
        request_submit(
            source=ResidentRequest.Source.PUBLIC_FORM,
            category=Category.objects.get(code="property-3"),
            urgency=Urgency.SCHEDULED,
            description=f"楼道灯坏了 {number}",
            grid=grid,
            building=household.building,
            household=household,
            reporter_name="王大妈",
            phone="13812345678",
        )


def test_page_two_of_the_dispatch_board_keeps_the_grid_filter(login, user):
    grid, other = user("grid2").memberships.get().grid, user("grid1").memberships.get().grid
    submit(grid, 31)
    submit(other, 1)
    client = login("community1")

    first = client.get(reverse("request-board"), {"grid": grid.pk})
    second = next_page(client, first)

    assert second.context["page"].number == 2
    assert {r.grid_id for r in second.context["page"]} == {grid.pk}
    assert second.context["page"].paginator.count == first.context["page"].paginator.count
    assert client.get(reverse("request-board")).context["page"].paginator.count > first.context["page"].paginator.count
