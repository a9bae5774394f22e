"""三张清单: resources, demands, projects matched by category, on the page and in the dashboard."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import period_bounds
from governance.models import AuditEntry, ResidentUnit
from oversight import dashboards
from party_building import lists
from party_building.models import DemandItem, Project, ResourceItem

pytestmark = pytest.mark.django_db


def test_a_demand_is_matched_with_a_resource_and_becomes_a_project(login, user):
    community = user("community1").memberships.get().community
    unit = ResidentUnit.objects.filter(community=community).first()
    client = login("community1")
    client.post(reverse("three-lists"), {"action": "resource", "unit": unit.pk, "category": "venue", "description": "会议室每周开放一次"})
    client.post(reverse("three-lists"), {"action": "demand", "community": community.pk, "category": "venue", "description": "老年活动需要场地"})
    demand = DemandItem.objects.get(description="老年活动需要场地")
    resource = ResourceItem.objects.get(description="会议室每周开放一次")
    assert AuditEntry.objects.filter(object_id__in=[str(demand.pk), str(resource.pk)], content_type__app_label="party_building").count() == 2
    suggestions = client.get(reverse("three-lists")).context["demands"]
    assert resource in dict(suggestions)[demand]
    client.post(reverse("three-lists"), {"action": "project", "demand": demand.pk, "resource": resource.pk, "owner": "王书记", "plan": "每周三下午开放"})
    project = Project.objects.get(demand=demand)
    client.post(reverse("three-lists"), {"action": "status", "project": project.pk, "status": "done", "result": ""})
    assert Project.objects.get(pk=project.pk).status == "planned"
    client.post(reverse("three-lists"), {"action": "status", "project": project.pk, "status": "done", "result": "已开展 4 次活动"})
    assert Project.objects.get(pk=project.pk).status == "done"
    from django.utils import timezone

    start, end = period_bounds("month", timezone.localdate())
    figures = dashboards.compute(community, start, end)["lists"]
    assert figures == {
        "resources": ResourceItem.objects.filter(unit__community=community).count(),
        "demands": DemandItem.objects.filter(community=community).count(),
        "projects": 1,
        "done": 1,
    }


def test_the_lists_are_scoped_and_grid_workers_cannot_open_them(login, user):
    community2 = user("community2").memberships.get().community
    lists.demand_add(actor=user("community2"), community=community2, category="funds", description="社区二的需求")
    assert "社区二的需求" not in login("community1").get(reverse("three-lists")).content.decode()
    assert login("grid1").get(reverse("three-lists")).status_code == 403


def test_the_lists_page_keeps_a_constant_number_of_queries(login, user):
    community = user("community1").memberships.get().community
    unit = ResidentUnit.objects.filter(community=community).first()
    client = login("community1")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("three-lists"))
        return len(ctx)

    lists.demand_add(actor=user("community1"), community=community, category="skills", description="需要志愿者0")
    lists.resource_add(actor=user("community1"), unit=unit, category="skills", description="志愿服务队0")
    before = count()
    for index in range(1, 5):
        lists.demand_add(actor=user("community1"), community=community, category="skills", description=f"需要志愿者{index}")
        lists.resource_add(actor=user("community1"), unit=unit, category="skills", description=f"志愿服务队{index}")
    assert count() == before
