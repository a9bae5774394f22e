"""Reads that may lag go to a replica when there is one; writes, and reads just after the browser wrote, never do."""

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
        assert router.db_for_write(None) is None
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
