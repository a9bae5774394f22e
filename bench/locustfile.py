"""The district's working day as load: grid workers on their phones, cadres at their desks, the district on its
dashboards and residents posting, against gunicorn on 127.0.0.1 (bench/load.py prepares the plan and runs this).
FastHttpUser (geventhttpclient) leaves the shared cores to the server: the requests-based client costs several times more.

Each user logs in through the login form and follows the links the pages give, as a person would.
"""

import json
import os
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from locust import FastHttpUser, between, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOUSEHOLD = re.compile(r'href="/households/(\d+)/"')
REQUEST = re.compile(r'href="/requests/(\d+)/"')
ACTION = re.compile(r'action="/requests/(\d+)/act/([a-z_]+)/"')
OFFICE = timezone(timedelta(hours=8))


def token(response) -> str:
    found = CSRF.search(response.text)
    return found.group(1) if found else ""


class Person(FastHttpUser):
    abstract = True
    # The morning rush: everyone opens the app at once and moves from page to page; 350 people offer ~110 requests/s.
    wait_time = between(1, 5)
    accounts: list[str] = []

    def on_start(self):
        self.username = self.accounts[random.randrange(len(self.accounts))]
        form = self.client.get("/accounts/login/", name="login form")
        self.client.post("/accounts/login/", {"username": self.username, "password": PLAN["password"], "csrfmiddlewaretoken": token(form)}, name="login")
        self.households: list[str] = []
        self.requests: list[str] = []

    def act(self, request_id: str, wanted: tuple[str, ...], data: dict) -> None:
        page = self.client.get(f"/requests/{request_id}/", name="request page")
        for found_id, action in ACTION.findall(page.text):
            if found_id == request_id and action in wanted:
                url, body = f"/requests/{request_id}/act/{action}/", {"csrfmiddlewaretoken": token(page), **data}
                with self.client.post(url, body, name=f"request {action}", catch_response=True) as answer:
                    # Someone else moved the request first: the page says so (409), as it should.
                    if answer.status_code == 409:
                        answer.success()
                return


class GridWorker(Person):
    accounts = PLAN["grid_workers"]
    weight = 10

    @task(4)
    def today(self):
        page = self.client.get("/today/", name="today")
        self.households = HOUSEHOLD.findall(page.text) or self.households

    @task(3)
    def queue(self):
        self.requests = REQUEST.findall(self.client.get("/requests/", name="my queue").text)

    @task(3)
    def household(self):
        if self.households:
            self.client.get(f"/households/{random.choice(self.households)}/", name="household page")

    @task(1)
    def visit(self):
        if not self.households:
            return
        pk = random.choice(self.households)
        form = self.client.get(f"/households/{pk}/visits/new/", name="visit form")
        now = datetime.now(OFFICE).strftime("%Y-%m-%dT%H:%M")
        body = {"csrfmiddlewaretoken": token(form), "visited_at": now, "method": "door", "findings": "老人身体还好，家里一切正常"}
        self.client.post(f"/households/{pk}/visits/new/", body, name="visit record")

    @task(1)
    def handle(self):
        if self.requests:
            self.act(random.choice(self.requests), ("take", "handle"), {"note": "已到现场处理完毕"})


class Cadre(Person):
    accounts = PLAN["cadres"]
    fixed_count = 30

    @task(3)
    def board(self):
        self.requests = REQUEST.findall(self.client.get("/requests/board/", name="dispatch board").text)

    @task(2)
    def dispatch_or_verify(self):
        if self.requests:
            self.act(random.choice(self.requests), ("accept", "dispatch", "verify", "answer"), {"handler": "", "passed": "1", "note": "已核实，居民满意"})


class District(Person):
    accounts = ["district"]
    fixed_count = 3

    @task
    def dashboard(self):
        self.client.get(f"/dashboard/district/{PLAN['district']}/", name="district dashboard")

    @task
    def street_dashboard(self):
        self.client.get(f"/dashboard/street/{random.choice(PLAN['streets'])}/", name="street dashboard")


class Resident(FastHttpUser):
    fixed_count = 17
    wait_time = between(5, 20)

    @task(2)
    def card_form(self):
        card = random.choice(PLAN["cards"])
        form = self.client.get(f"/r/{card}/report/", name="card form")
        body = {"csrfmiddlewaretoken": token(form), "category": PLAN["category"], "description": "楼道灯坏了好几天，晚上看不见", "website": ""}
        self.client.post(f"/r/{card}/report/", body, name="card form post")

    @task(1)
    def open311(self):
        body = {
            "api_key": PLAN["open311_key"],
            "service_code": PLAN["service_code"],
            "address_id": random.choice(PLAN["cards"]),
            "description": "小区门口垃圾没人清理",
        }
        self.client.post("/open311/v2/requests.json", body, name="open311 post")
