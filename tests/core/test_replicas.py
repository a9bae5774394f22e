"""Reads that may lag go to a replica when there is one; writes, and reads just after the browser wrote, never do."""

import os

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core import replicas
from core.replicas import WROTE_COOKIE, ReplicaRouter, reads_from_replica, replica_reads


@pytest.fixture
def one_replica(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1"])


def test_reads_go_to_the_replica_only_inside_a_replica_read(one_replica):
    router = ReplicaRouter()
    assert router.db_for_read(None) is None
    with replica_reads():
        assert router.db_for_read(None) == "replica1"
        assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) is None
    assert router.allow_migrate("replica1", "households") is False and router.allow_migrate("default", "households") is True


def test_the_page_after_a_write_reads_the_primary(one_replica):
    request = RequestFactory().get("/dashboard/")
    request.COOKIES[WROTE_COOKIE] = "1"
    with replica_reads(request):
        assert ReplicaRouter().db_for_read(None) is None
    seen = []
    reads_from_replica(lambda r: seen.append(ReplicaRouter().db_for_read(None)))(RequestFactory().get("/dashboard/"))
    assert seen == ["replica1"]


@pytest.mark.django_db
def test_a_post_marks_the_browser_as_having_written(one_replica, login):
    response = login("community1").post(reverse("logout"))
    assert response.cookies[WROTE_COOKIE].value == "1" and response.cookies[WROTE_COOKIE]["max-age"] == replicas.READ_OWN_WRITES_SECONDS


@pytest.mark.skipif(not replicas.replica_aliases() and os.environ.get("CI") != "true", reason="no replica configured (make test sets one)")
@pytest.mark.django_db
def test_the_suite_reads_api_lists_through_the_replica_mirror(api, monkeypatch):
    """make test configures a replica mirroring the test database: what a test wrote, an API list read there sees."""
    routed = []
    route = ReplicaRouter.db_for_read
    monkeypatch.setattr(ReplicaRouter, "db_for_read", lambda self, model, **hints: routed.append(route(self, model, **hints)) or routed[-1])
    response = api("district").get("/api/households/")
    assert response.status_code == 200 and response.json()["count"] > 0
    assert "replica1" in routed
