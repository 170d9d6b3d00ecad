"""A survey's embed origins: only exact ``scheme://host[:port]`` origins, since each goes
verbatim into the form's Content-Security-Policy header (``frame-ancestors``)."""

from __future__ import annotations

import pytest

from helpers import assert_error, bearer, create_survey, open_survey

HOSTILE = [
    pytest.param("https://a.example\t*", id="tab-wildcard"),
    pytest.param("https://a.example\r\nX:1", id="crlf-header"),
    pytest.param("https://a.example\n", id="trailing-lf"),
    pytest.param("https://a.example\r", id="trailing-cr"),
    pytest.param("https://a.\x0bexample", id="vertical-tab"),
    pytest.param("https://a.example\x00", id="nul"),
    pytest.param("https://a.example *", id="space"),
    pytest.param(" https://a.example", id="leading-space"),
    pytest.param("https://a.example;script-src *", id="semicolon"),
    pytest.param("https://a.example,https://b.example", id="comma"),
    pytest.param("https://user@a.example", id="userinfo"),
    pytest.param("https://a.example/path", id="path"),
    pytest.param("https://a.example/?q=1", id="query"),
    pytest.param("https://a.example#f", id="fragment"),
    pytest.param("https://a.example:0", id="port-0"),
    pytest.param("https://a.example:65536", id="port-too-big"),
    pytest.param("https://a.example:", id="empty-port"),
    pytest.param("https://*.example", id="wildcard-host"),
    pytest.param("https://a..example", id="empty-label"),
    pytest.param("https://[not-ipv6]", id="bad-ipv6"),
    pytest.param("https://", id="no-host"),
    pytest.param("ftp://a.example", id="ftp"),
    pytest.param("javascript:alert(1)", id="javascript"),
    pytest.param("'self'", id="keyword"),
    pytest.param("*", id="star"),
]

VALID = [
    "https://www.bergen.kommune.no",
    "https://kommune.example:8443",
    "http://localhost:8080",
    "http://localhost",
    "https://kommune.example/",
    "http://[::1]:3000",
]


@pytest.mark.parametrize("origin", HOSTILE)
def test_hostile_origin_is_refused_on_create(client, admin, origin):
    body = {
        "municipality": "4601",
        "instrument": "omdommetrappen",
        "audience": "citizens",
        "title": "T",
        "embed_origins": ["https://ok.example", origin],
    }
    result = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(admin)), 422)
    assert "is not an origin" in " ".join(result["errors"]["embed_origins"])
    assert client.get("/api/v1/surveys", headers=bearer(admin)).get_json() == []


@pytest.mark.parametrize("origin", HOSTILE)
def test_hostile_origin_is_refused_on_change(client, admin, origin):
    survey = open_survey(client, admin, embed_origins=["https://ok.example"])
    url = f"/api/v1/surveys/{survey['id']}"
    changed = client.patch(url, json={"embed_origins": [origin]}, headers=bearer(admin))
    result = assert_error(changed, 422)
    assert "is not an origin" in " ".join(result["errors"]["embed_origins"])
    assert client.get(url, headers=bearer(admin)).get_json()["embed_origins"] == [
        "https://ok.example"
    ]
    form = client.get(f"/s/{survey['public_id']}")
    assert form.status_code == 200
    assert frame_ancestors(form) == ["https://ok.example"]


def test_valid_origins_are_kept_and_frame_the_form_exactly(client, admin):
    survey = open_survey(client, admin, embed_origins=VALID)
    assert survey["embed_origins"] == VALID
    form = client.get(f"/s/{survey['public_id']}")
    assert form.status_code == 200
    assert frame_ancestors(form) == VALID


def test_valid_origins_can_be_set_by_a_change(client, admin):
    survey = create_survey(client, admin)
    url = f"/api/v1/surveys/{survey['id']}"
    changed = client.patch(url, json={"embed_origins": VALID}, headers=bearer(admin))
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["embed_origins"] == VALID


def test_no_origins_means_no_framing(client, admin):
    survey = open_survey(client, admin)
    assert frame_ancestors(client.get(f"/s/{survey['public_id']}")) == ["'none'"]


def frame_ancestors(response) -> list[str]:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    return directives["frame-ancestors"].split(" ")
