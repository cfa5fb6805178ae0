"""The HTTP face, in process: keys, status codes, field-naming refusals, the OpenAPI
document, and schemathesis over every operation it describes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.result import Ok

from offers.pos.server import create_app
from tests.pos.conftest import DAY, HAND_CHECKED, HOUSEHOLD_1_CODE, Published, basket


@pytest.fixture
def client(published: Published) -> Iterator[TestClient]:
    with TestClient(create_app(published.path)) as test_client:
        yield test_client


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_health_needs_no_key_and_the_rest_do(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    refused = client.get(f"/v1/codes/{HOUSEHOLD_1_CODE}")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "a lane key is required: Authorization: Bearer <key>"}
    wrong = client.get(f"/v1/codes/{HOUSEHOLD_1_CODE}", headers=_as("not-a-key"))
    assert (wrong.status_code, wrong.json()["detail"]) == (401, "unknown or revoked lane key")


def test_a_lane_reads_and_redeems_its_own_store_only(
    client: TestClient, published: Published
) -> None:
    url = f"/v1/codes/{HOUSEHOLD_1_CODE}?day={DAY.date()}"
    assert client.get(url, headers=_as(published.key_2)).status_code == 403
    found = client.get(url, headers=_as(published.key_1))
    assert found.status_code == 200
    body = found.text
    assert "household_id" not in body
    for private in ("Anna", "Kowalski", "4000000000011", "53913"):
        assert private not in body  # the cashier needs the offers, not who the shopper is
    assert [o["deal_id"] for o in found.json()["offers"]] == [
        "TYLENOL-150",
        "DEANS-MILK",
        "BEEF-200",
    ]


def test_a_transaction_over_http_is_applied_once(client: TestClient, published: Published) -> None:
    request = basket("H1", HAND_CHECKED).model_dump(mode="json")
    first = client.post("/v1/transactions", json=request, headers=_as(published.key_1))
    assert first.status_code == 200
    assert (first.json()["discount_total"], first.json()["total"]) == ("4.50", "22.03")
    again = client.post("/v1/transactions", json=request, headers=_as(published.key_1))
    assert again.json() == first.json()
    returned = client.post(
        "/v1/transactions/H1/voids",
        json={"void_id": "R1", "lines": [{"index": 0, "quantity": 1}]},
        headers=_as(published.key_1),
    )
    assert returned.json()["refund_total"] == "7.49"
    assert published.ledger.execute("SELECT count(*) FROM sale").fetchone() == (1,)


def test_a_bad_request_names_its_field(client: TestClient, published: Published) -> None:
    request = basket("H2", HAND_CHECKED).model_dump(mode="json")
    request["lines"][1]["quantity"] = 0
    request["lines"][2]["unit_price"] = "3.299"
    refused = client.post("/v1/transactions", json=request, headers=_as(published.key_1))
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "body.lines[1].quantity: Input should be greater than or equal to 1; "
        "body.lines[2].unit_price: Decimal input should have no more than 2 decimal places"
    )
    headers = {**_as(published.key_1), "Content-Type": "application/json"}
    broken = client.post("/v1/transactions", content=b"{not json", headers=headers)
    assert broken.status_code == 422
    assert "JSON decode error" in broken.json()["detail"]


def test_the_openapi_document_describes_the_service(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/health",
        "/v1/codes/{code}",
        "/v1/transactions",
        "/v1/transactions/{transaction_id}/voids",
    }
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    responses = document["paths"]["/v1/transactions"]["post"]["responses"]
    assert set(responses) == {"200", "401", "403", "404", "409", "422"}


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(published: Published) -> None:
    """Every operation of the served document, called in process with store 1's key:
    no 5xx, status codes, content types and bodies as documented."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(published.path))
    operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    assert len(operations) == 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(headers=_as(published.key_1), checks=_CHECKS)

        call()


_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
