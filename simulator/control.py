"""The control API of a simulator process, on a port of its own.

It lives apart from the OPD ports so that it answers while an OPD hangs or is
down. Routes (JSON in and out)::

    GET    /_sim/health              {"ok": true, "opds": [...], "pid": N}
    GET    /_sim/endpoints           the ready message: {"ready": {slug: url}, "down": [...], ...}
    GET    /_sim/knobs               {slug: knobs} for every OPD of the process
    GET    /_sim/knobs/{slug}        the OPD's knobs
    POST   /_sim/knobs/{slug}        change some knobs ({"hang": true}); answers the new knobs
    DELETE /_sim/knobs/{slug}        back to the knobs the process started with
    GET    /_sim/stats               {slug: {endpoint: requests}}
    DELETE /_sim/stats               zero every count
    GET    /_sim/requests/{slug}     {"requests": [...]}: what the OPD's request API received, oldest first
    DELETE /_sim/requests/{slug}     forget them (the OPD's numbers keep counting)
    GET    /_sim/requests/{slug}/{id}    one request
    POST   /_sim/requests/{slug}/{id}    change it: {"state": "GRANTED", "message": "...",
                                     "refusal_ground": "A", "holding_body": "..."}; answers the request

Each listed request has the OPD's ``id``, the ``registration_number``, its
``state`` (a ``RequestState`` name), ``message``, ``deliveries`` (accepted
deliveries of its registration number: 1, plus each repeat answered 409),
``cancellations`` and the ``body`` as received. An OPD without intake answers
404 on these routes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .intake import IntakeDesk
from .knobs import Knobs

__all__ = ["KnobChangeError", "SimulatorControl", "control_app"]


class KnobChangeError(RuntimeError):
    """A knob change that could not be carried out (an OPD could not listen again on its port)."""


class SimulatorControl(Protocol):
    """What the control API drives: implemented by :class:`simulator.process.SimulatorProcess`."""

    @property
    def slugs(self) -> list[str]:
        """The OPDs of the process."""
        ...

    def describe(self) -> dict[str, Any]:
        """The ready message."""
        ...

    def knobs(self, slug: str) -> Knobs:
        """The OPD's current knobs."""
        ...

    async def update_knobs(self, slug: str, changes: Mapping[str, Any]) -> Knobs:
        """Apply changes (raising ``ValidationError`` or :class:`KnobChangeError`)."""
        ...

    async def reset_knobs(self, slug: str) -> Knobs:
        """Restore the starting knobs."""
        ...

    def stats(self) -> dict[str, dict[str, int]]:
        """Request counts."""
        ...

    def reset_stats(self) -> None:
        """Zero the counts."""
        ...

    def intake(self, slug: str) -> IntakeDesk | None:
        """The OPD's request desk, ``None`` when it takes no requests."""
        ...


def control_app(control: SimulatorControl) -> Starlette:
    """The control API over ``control``."""

    def unknown(slug: str) -> Response:
        return JSONResponse(
            {"error": f"this process does not serve {slug!r}; it serves {', '.join(control.slugs)}"},
            status_code=404,
        )

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "opds": control.slugs, "pid": os.getpid()})

    async def endpoints(request: Request) -> Response:
        return JSONResponse(control.describe())

    async def all_knobs(request: Request) -> Response:
        return JSONResponse({slug: control.knobs(slug).model_dump() for slug in control.slugs})

    async def one_knobs(request: Request) -> Response:
        slug = request.path_params["slug"]
        if slug not in control.slugs:
            return unknown(slug)
        if request.method == "GET":
            return JSONResponse(control.knobs(slug).model_dump())
        if request.method == "DELETE":
            return JSONResponse((await control.reset_knobs(slug)).model_dump())
        try:
            changes = await request.json()
        except ValueError:
            return JSONResponse({"error": "the body must be a JSON object of knobs"}, status_code=400)
        if not isinstance(changes, dict):
            return JSONResponse({"error": "the body must be a JSON object of knobs"}, status_code=400)
        try:
            knobs = await control.update_knobs(slug, changes)
        except ValidationError as exc:
            problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)]
            return JSONResponse({"error": "invalid knobs", "problems": problems}, status_code=400)
        except KnobChangeError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        return JSONResponse(knobs.model_dump())

    async def stats(request: Request) -> Response:
        if request.method == "DELETE":
            control.reset_stats()
        return JSONResponse(control.stats())

    def desk_of(slug: str) -> IntakeDesk | Response:
        if slug not in control.slugs:
            return unknown(slug)
        desk = control.intake(slug)
        if desk is None:
            return JSONResponse({"error": f"{slug} takes no requests: it has no intake"}, status_code=404)
        return desk

    async def requests(request: Request) -> Response:
        desk = desk_of(request.path_params["slug"])
        if isinstance(desk, Response):
            return desk
        if request.method == "DELETE":
            desk.reset()
        return JSONResponse({"requests": [received.summary() for received in desk.requests()]})

    async def one_request(request: Request) -> Response:
        slug, reference = request.path_params["slug"], request.path_params["id"]
        desk = desk_of(slug)
        if isinstance(desk, Response):
            return desk
        if request.method == "GET":
            received = desk.get(reference)
        else:
            try:
                changes = await request.json()
            except ValueError:
                changes = None
            if not isinstance(changes, dict):
                message = 'the body must be a JSON object such as {"state": "GRANTED", "message": "..."}'
                return JSONResponse({"error": message}, status_code=400)
            try:
                received = desk.change(reference, changes)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        if received is None:
            return JSONResponse({"error": f"{slug} has no request {reference!r}"}, status_code=404)
        return JSONResponse(received.summary())

    return Starlette(
        routes=[
            Route("/_sim/health", health),
            Route("/_sim/endpoints", endpoints),
            Route("/_sim/knobs", all_knobs),
            Route("/_sim/knobs/{slug}", one_knobs, methods=["GET", "POST", "DELETE"]),
            Route("/_sim/stats", stats, methods=["GET", "DELETE"]),
            Route("/_sim/requests/{slug}", requests, methods=["GET", "DELETE"]),
            Route("/_sim/requests/{slug}/{id:path}", one_request, methods=["GET", "POST"]),
        ]
    )
