"""Instruments over HTTP: reading is public, publishing is for admins, versions never change."""

import copy

from survey_service.instruments import bundled

from helpers import assert_error, bearer

KEYS = ["forankring", "omdommepavirkere", "omdommetrappen", "partssamarbeid", "samlingsevaluering"]


def definition(key="samlingsevaluering", version="1.1.0"):
    data = copy.deepcopy(bundled(key).to_dict())
    data["version"] = version
    return data


def test_lists_the_bundled_instruments(client):
    listed = client.get("/api/v1/instruments").get_json()
    assert [i["key"] for i in listed] == KEYS
    stair = next(i for i in listed if i["key"] == "omdommetrappen")
    assert stair["dimensions"] == [
        "strukturer_systemer_okonomi",
        "kvalitet",
        "intern_profilering",
        "ekstern_profilering",
        "tillit",
    ]
    assert set(stair["title"]) == {"nb", "nn", "en"}


def test_get_newest_and_a_version_with_rendered_form(client):
    newest = client.get("/api/v1/instruments/partssamarbeid").get_json()
    assert newest["version"] == "1.0.0" and newest["form"] is None
    assert newest["definition"]["key"] == "partssamarbeid"
    rendered = client.get("/api/v1/instruments/partssamarbeid/versions/1.0.0?lang=nn").get_json()
    assert rendered["form"]["language"] == "nn"
    texts = [item["text"] for group in rendered["form"]["groups"] for item in group["item"]]
    assert any("kommunen din" in t for t in texts)
    assert_error(client.get("/api/v1/instruments/nope"), 404, message_contains="nope")
    assert_error(client.get("/api/v1/instruments/forankring/versions/9.9.9"), 404)
    assert_error(client.get("/api/v1/instruments/forankring?lang=de"), 422)


def test_publish_new_version_keeps_the_first(client, admin):
    first = client.get("/api/v1/instruments/samlingsevaluering").get_json()
    new = definition()
    new["item"][0]["text"]["nb"] = "Hvor nyttig var samlingen for deg? Gi et terningkast."
    created = client.post("/api/v1/instruments", json=new, headers=bearer(admin))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["version"] == "1.1.0"
    assert created.get_json()["versions"] == ["1.0.0", "1.1.0"]
    # The newest is now 1.1.0; 1.0.0 is unchanged and still served.
    assert client.get("/api/v1/instruments/samlingsevaluering").get_json()["version"] == "1.1.0"
    old = client.get("/api/v1/instruments/samlingsevaluering/versions/1.0.0").get_json()
    assert old["definition"] == first["definition"]
    assert old["content_hash"] == first["content_hash"]


def test_republishing_is_idempotent_and_a_change_is_refused(client, admin):
    new = definition()
    assert client.post("/api/v1/instruments", json=new, headers=bearer(admin)).status_code == 201
    again = client.post("/api/v1/instruments", json=new, headers=bearer(admin))
    assert again.status_code == 200
    changed = copy.deepcopy(new)
    changed["item"][0]["text"]["en"] = "Something else entirely?"
    conflict = client.post("/api/v1/instruments", json=changed, headers=bearer(admin))
    assert_error(conflict, 409, message_contains="new version")
    # The bundled 1.0.0 cannot be changed either.
    bundled_changed = definition(version="1.0.0")
    bundled_changed["title"]["nb"] = "Noe annet"
    assert_error(
        client.post("/api/v1/instruments", json=bundled_changed, headers=bearer(admin)), 409
    )


def test_invalid_definition_is_422_with_paths(client, admin):
    bad = definition()
    bad["item"].append(copy.deepcopy(bad["item"][0]))  # duplicate linkId
    del bad["title"]["nn"]
    body = assert_error(client.post("/api/v1/instruments", json=bad, headers=bearer(admin)), 422)
    paths = " ".join(body["errors"])
    assert "title.nn" in paths
    assert any("linkId" in p or "item[" in p for p in body["errors"])
    assert client.get("/api/v1/instruments/samlingsevaluering").get_json()["version"] == "1.0.0"


def test_publishing_needs_an_admin(client, make_key):
    for role in ("dashboard", "analyst"):
        response = client.post(
            "/api/v1/instruments", json=definition(), headers=bearer(make_key(role))
        )
        assert_error(response, 403)
    assert_error(client.post("/api/v1/instruments", json=definition()), 401)


def test_a_survey_can_use_an_older_version(client, admin):
    client.post("/api/v1/instruments", json=definition(), headers=bearer(admin))
    body = {
        "municipality": "1151",
        "instrument": "samlingsevaluering",
        "audience": "mixed",
        "title": "Samling",
        "instrument_version": "1.0.0",
    }
    survey = client.post("/api/v1/surveys", json=body, headers=bearer(admin)).get_json()
    assert survey["instrument_version"] == "1.0.0"
    del body["instrument_version"]
    newest = client.post("/api/v1/surveys", json=body, headers=bearer(admin)).get_json()
    assert newest["instrument_version"] == "1.1.0"


def test_newest_is_numeric_not_lexical(client, admin):
    for version in ("1.10.0", "1.9.0"):
        response = client.post(
            "/api/v1/instruments", json=definition(version=version), headers=bearer(admin)
        )
        assert response.status_code == 201
    assert client.get("/api/v1/instruments/samlingsevaluering").get_json()["version"] == "1.10.0"
