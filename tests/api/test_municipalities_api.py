"""Reference data over HTTP: the 357 municipalities of 2024."""

from helpers import assert_error


def test_lists_all_357_municipalities_of_2024(client):
    response = client.get("/api/v1/municipalities")
    assert response.status_code == 200
    rows = response.get_json()
    assert len(rows) == 357
    assert [row["number"] for row in rows] == sorted(row["number"] for row in rows)
    # SSB's national figure for 1 January 2024 (shared/data/README.md).
    assert sum(row["population"] for row in rows) == 5_550_203


def test_trondheim_with_county_and_population(client):
    response = client.get("/api/v1/municipalities/5001")
    assert response.status_code == 200
    assert response.get_json() == {
        "number": "5001",
        "name": "Trondheim",
        "county_number": "50",
        "county": "Trøndelag",
        "population": 214565,
        "population_year": 2024,
        "written_standard": None,
    }


def test_smallest_and_nynorsk_municipalities(client):
    utsira = client.get("/api/v1/municipalities/1151").get_json()
    assert (utsira["name"], utsira["population"]) == ("Utsira", 215)
    assert client.get("/api/v1/municipalities/1120").get_json()["written_standard"] == "nn"
    assert client.get("/api/v1/municipalities/1101").get_json()["written_standard"] == "nb"


def test_filter_by_county(client):
    rows = client.get("/api/v1/municipalities?county=46").get_json()
    assert rows and {row["county"] for row in rows} == {"Vestland"}
    assert "4601" in {row["number"] for row in rows}


def test_bad_county_filter_is_422_with_field_errors(client):
    body = assert_error(client.get("/api/v1/municipalities?county=Vestland"), 422)
    assert "county" in body["errors"]


def test_unknown_municipality_is_404(client):
    assert_error(client.get("/api/v1/municipalities/9999"), 404, message_contains="9999")
