"""Locust users for bench/bench_load.py: members reading and saving their review, secretaries on the board and
the meeting page of their chi bộ, each logged in through the login form with an account of their own
(BENCH_ACCOUNTS, a JSON file written by bench_load.py). BENCH_MEMBERS / BENCH_SECRETARIES fix how many of each;
BENCH_BOARD_ONLY=1 runs only board readers with no think time (the saturation run); BENCH_NO_PAUSE=1 takes the
think time away from members and secretaries (the warm-up before the one-user run).

FastHttpUser (geventhttpclient) rather than HttpUser (requests): the same requests, cookies and kept-alive
connections, for a fraction of the client's CPU, which on a small machine is taken from the server measured."""
from __future__ import annotations

import json
import os
import re
import threading
from html.parser import HTMLParser
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, task

ACCOUNTS = json.loads(open(os.environ["BENCH_ACCOUNTS"], encoding="utf-8").read())
YEAR = ACCOUNTS["year"]
_lock = threading.Lock()
_next = {"member": 0, "secretary": 0}


def _account(role: str) -> dict:
    """A distinct account per simulated member (two people saving one document would be a conflict, not load)."""
    with _lock:
        pool = ACCOUNTS[{"member": "members", "secretary": "secretaries"}[role]]
        account = pool[_next[role] % len(pool)]
        _next[role] += 1
        return account


class FormFields(HTMLParser):
    """Every field of the document form as the browser would post it."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return match.group(1) if match else ""


class _Person(FastHttpUser):
    abstract = True
    wait_time = constant(0) if os.environ.get("BENCH_NO_PAUSE") == "1" else between(1, 3)
    role = ""

    def on_start(self) -> None:
        self.account = _account(self.role)
        page = self.client.get("/login", name="login page").text
        self.post_expecting_redirect("/login", {"username": self.account["username"], "csrf_token": _csrf(page),
                                                "password": self.account["password"]}, "log in")

    def post_expecting_redirect(self, url: str, data, name: str) -> None:
        """A form post that succeeds with a redirect (the app's answer to a saved form); anything else fails."""
        body = urlencode(data)  # as a browser encodes the form (a dict or a list of pairs: repeated names kept)
        with self.client.post(url, data=body, name=name, allow_redirects=False, catch_response=True,
                              headers={"Content-Type": "application/x-www-form-urlencoded"}) as resp:
            if resp.status_code == 302:
                resp.success()
            else:
                resp.failure(f"{name}: {resp.status_code}")


class Member(_Person):
    """Opens their self-review, reads it, and now and then saves it as a draft (the whole form, as a browser)."""

    role = "member"
    fixed_count = int(os.environ.get("BENCH_MEMBERS", "0"))
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        resp = self.client.get(f"/reviews/{YEAR}", name="member: open review", allow_redirects=False)
        self.url = resp.headers.get("Location", "")

    @task(3)
    def read(self) -> None:
        self.client.get(self.url, name="member: review page")

    @task(1)
    def save(self) -> None:
        page = self.client.get(self.url, name="member: review page").text
        parser = FormFields()
        parser.feed(page)
        data = [(k, v) for k, v in parser.fields if k != "action"] + [("action", "draft")]
        self.post_expecting_redirect(self.url, data, "member: save draft")


class Secretary(_Person):
    """Looks at the chi bộ's review board and its meeting page."""

    role = "secretary"
    fixed_count = int(os.environ.get("BENCH_SECRETARIES", "0"))
    weight = 1

    @task(2)
    def board(self) -> None:
        self.client.get(f"/units/{self.account['unit_id']}/review/{YEAR}", name="secretary: board")

    @task(1)
    def meeting(self) -> None:
        self.client.get(f"/units/{self.account['unit_id']}/review/{YEAR}/meeting", name="secretary: meeting")


class BoardReader(_Person):
    """The saturation run: the board page again and again, no pause."""

    role = "secretary"
    wait_time = constant(0)

    @task
    def board(self) -> None:
        self.client.get(f"/units/{self.account['unit_id']}/review/{YEAR}", name="secretary: board")


if os.environ.get("BENCH_BOARD_ONLY") == "1":
    del Member, Secretary
else:
    del BoardReader
