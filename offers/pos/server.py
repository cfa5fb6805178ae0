"""The checkout's HTTP face: a JSON service the lanes call, described by the OpenAPI
document it serves at /openapi.json (and browsable at /docs).

    GET  /health                                      no key; the service is up
    GET  /v1/codes/{code}?day=YYYY-MM-DD              the list a scanned code opens
    POST /v1/transactions                             apply a basket (idempotent by id)
    POST /v1/transactions/{transaction_id}/voids      a return or a cancelled sale

Every /v1 call carries a lane key (`Authorization: Bearer <key>`, from `offers pos key
add`); a key acts for its store only. Refusals answer {"detail": "..."} naming the
request field or the rule: 401 no or unknown key, 403 another store's list or sale,
404 unknown code or transaction, 409 an id reused for other content, 422 a bad request.

Each worker thread keeps its own SQLite connection to the ledger (`offers.pos.ledger`);
several service processes may share the ledger (`offers serve --workers N`).
"""

import contextlib
import datetime as dt
import os
import sqlite3
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from offers.pos import checkout
from offers.pos.ledger import Lane, checkpoint, lane_for_key, open_ledger
from offers.pos.messages import (
    Code,
    Health,
    Identifier,
    LookupOut,
    Problem,
    TransactionIn,
    TransactionOut,
    VoidIn,
    VoidOut,
)

CHECKPOINT_SECONDS = 1.0
"""Seconds between the service's WAL checkpoints."""

SWITCH_SECONDS = 0.0005

LEDGER_ENV_VAR = "OFFERS_LEDGER"
"""Where `app_from_env` finds the ledger (the service's worker processes read it)."""

_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": words}
    for status, words in [
        (401, "No key, or a key the ledger does not know."),
        (403, "The key is for another store."),
        (404, "Nothing with this code or id."),
        (409, "The id was used before for other content."),
        (422, "The request breaks a rule; the detail names the field."),
    ]
}


class _UnauthorizedError(checkout.CheckoutError):
    status = 401


def create_app(ledger_path: Path) -> FastAPI:
    """The service over the ledger at `ledger_path` (created when missing). Its commits
    leave the WAL to a checkpoint thread, every CHECKPOINT_SECONDS, so no lane waits
    while the WAL is folded into the file."""
    open_ledger(ledger_path).close()  # the schema is in place before the first request
    local = threading.local()

    def ledger() -> sqlite3.Connection:
        con: sqlite3.Connection | None = getattr(local, "con", None)
        if con is None:
            con = local.con = open_ledger(ledger_path, checkpoints=False)
        return con

    stop = threading.Event()

    def checkpoints() -> None:
        con = open_ledger(ledger_path)
        while not stop.wait(CHECKPOINT_SECONDS):
            checkpoint(con)
        con.close()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker = threading.Thread(target=checkpoints, name="ledger checkpoints", daemon=True)
        worker.start()
        yield
        stop.set()
        worker.join()

    bearer = HTTPBearer(auto_error=False, description="A lane key from `offers pos key add`.")

    def lane(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Lane:
        if credentials is None:
            raise _UnauthorizedError("a lane key is required: Authorization: Bearer <key>")
        found = lane_for_key(ledger(), credentials.credentials)
        if found is None:
            raise _UnauthorizedError("unknown or revoked lane key")
        return found

    app = FastAPI(
        title="offers checkout",
        version="1",
        description="Look up a household's list at the lane, apply a basket, void it.",
        lifespan=lifespan,
    )

    @app.exception_handler(checkout.CheckoutError)
    async def checkout_refused(_: Request, exc: checkout.CheckoutError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _field_messages(exc)}, status_code=422)

    @app.get("/health", response_model=Health)
    def health() -> Response:
        """The service is up (no key needed, touches nothing)."""
        return _json(Health(status="ok"))

    @app.get("/v1/codes/{code}", response_model=LookupOut, responses=_REFUSALS)
    def lookup(
        code: Annotated[Code, PathParam(description="List barcode, offer barcode or card.")],
        who: Annotated[Lane, Depends(lane)],
        day: Annotated[dt.date | None, Query(description="Default: today.")] = None,
    ) -> Response:
        """The household's list and its offers, with what is left of each limit."""
        return _json(checkout.lookup(ledger(), who, code, day or dt.date.today()))

    @app.post("/v1/transactions", response_model=TransactionOut, responses=_REFUSALS)
    def transaction(request: TransactionIn, who: Annotated[Lane, Depends(lane)]) -> Response:
        """Apply the basket; the same transaction id again gets the same answer."""
        return _json(checkout.transact(ledger(), who, request))

    @app.post(
        "/v1/transactions/{transaction_id}/voids", response_model=VoidOut, responses=_REFUSALS
    )
    def void(
        transaction_id: Identifier, request: VoidIn, who: Annotated[Lane, Depends(lane)]
    ) -> Response:
        """Return some lines' units, or all that is left of the sale."""
        return _json(checkout.void(ledger(), who, transaction_id, request))

    return app


def app_from_env() -> FastAPI:
    """The service over the ledger named by $OFFERS_LEDGER (for `offers serve`), in a
    process of its own: the event loop and the request threads hand the interpreter to
    each other every SWITCH_SECONDS instead of Python's default 5 ms, which would
    otherwise be added to a request that arrives while another is being computed."""
    path = os.environ.get(LEDGER_ENV_VAR)
    if not path:
        raise RuntimeError(f"set {LEDGER_ENV_VAR} to the ledger file")
    sys.setswitchinterval(SWITCH_SECONDS)
    return create_app(Path(path))


def _json(answer: BaseModel) -> Response:
    """The answer as JSON, serialised once by its own model (the models are the
    documented response schemas; FastAPI need not check them again)."""
    return Response(answer.model_dump_json(), media_type="application/json")


def _field_messages(exc: RequestValidationError) -> str:
    """'body.lines[0].quantity: Input should be ...; ...' from pydantic's errors."""
    parts = []
    for error in exc.errors():
        where = ""
        for step in error.get("loc", ()):
            where += f"[{step}]" if isinstance(step, int) else (f".{step}" if where else step)
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)
