"""Signing in to the dashboard as a browser does, and reading its pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pages.conftest import Node, parse_html

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(response: Any) -> str:
    """The CSRF token of the first form on the page."""
    found = CSRF.search(response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:2000]
    return found.group(1)


def sign_in(client: FlaskClient, key: str, **extra: str) -> Any:
    """The sign-in page, then the form posted with ``key``: the POST's response."""
    page = client.get("/dashboard/sign-in")
    assert page.status_code == 200
    return client.post(
        "/dashboard/sign-in", data={"csrf_token": csrf_of(page), "key": key, **extra}
    )


def page_of(response: Any) -> Node:
    return parse_html(response.get_data(as_text=True))


def text_of(response: Any) -> str:
    """The page's visible text, whitespace collapsed."""
    return page_of(response).text


@pytest.fixture
def signed_in(app: Flask) -> Callable[[str], FlaskClient]:
    """``signed_in(key)``: a fresh browser (test client) signed in with ``key``."""

    def make(key: str) -> FlaskClient:
        browser = app.test_client()
        response = sign_in(browser, key)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return browser

    return make


def figures_on(response: Any) -> dict[str, Node]:
    """The page's figure items (``data-figure``) by key: the first of each."""
    found: dict[str, Node] = {}
    for node in page_of(response).find_all(data_figure=True):
        found.setdefault(str(node.get("data-figure")), node)
    return found


def shown_estimate(node: Node) -> float | None:
    """The estimate a figure item shows (its ``data-estimate``), None if it shows none."""
    value = node.find(data_estimate=True)
    return None if value is None else float(str(value.get("data-estimate")))
