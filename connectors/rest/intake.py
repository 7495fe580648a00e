"""Delivering submissions to an OPD's JSON API, and reading their state back.

What the ``intake`` block of :class:`~connectors.rest.settings.RestSettings`
describes. Answers to a delivery are read as::

    2xx                          accepted: the reference is read from the body
    409 with a reference         accepted before (a repeated delivery): duplicate=True
    401, 403                     UpstreamUnavailable: the OPD refuses our credentials (fix, then retry)
    408, 429, 5xx, timeouts…     UpstreamUnavailable / UpstreamTimeout: worth retrying
    any other 4xx                SubmissionRejected: refused for good, naming our field when it can

A POST is sent once: :func:`connectors.http.send` resends only a GET. Nothing
here logs or quotes the body: it holds the requester's personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from ..errors import NotSupported, SubmissionRejected, UpstreamBadResponse, UpstreamUnavailable
from ..fieldpath import MISSING, join_path, read_path, require_path, split_path
from ..http import check_status, describe_request, fetch_optional_json, read_json, send, translate_http_errors
from ..intake import Submission, SubmissionOperation, UpstreamReceipt, UpstreamRequestStatus
from ..labels import LabelMap
from ..records import ExemptionGround
from ..validation import build_record
from ..vocabulary import RequestState
from .settings import IntakeSettings, IntakeStatusSettings, intake_targets

__all__ = ["RestIntake", "intake_body"]

_MESSAGE_LIMIT = 300


def intake_body(submission: Submission, targets: Mapping[str, str]) -> dict[str, Any]:
    """The JSON body for ``submission``: each field that is set, at its path in ``targets``."""
    flat = submission.model_dump(mode="json", exclude_none=True, exclude={"operation", "reference"})
    requester = flat.pop("requester", None) or {}
    leaves = {**flat, **{f"requester.{name}": value for name, value in requester.items()}}
    body: dict[str, Any] = {}
    for path, target in targets.items():
        if path not in leaves:
            continue
        *parents, last = split_path(target)
        node = body
        for segment in parents:
            node = node.setdefault(segment, {})
        node[last] = leaves[path]
    return body


class RestIntake:
    """The intake calls of one ``rest`` connector: submit, cancel, and read a state."""

    def __init__(
        self,
        settings: IntakeSettings,
        *,
        http: httpx.AsyncClient,
        base: str,
        headers: Mapping[str, str],
        timeout: Any,
    ) -> None:
        """Keep what every call needs.

        ``headers`` already hold the intake's credentials; ``timeout`` is an
        ``httpx.Timeout`` or ``httpx.USE_CLIENT_DEFAULT``.
        """
        self.settings = settings
        """The validated ``intake`` block."""
        self.http = http
        self._base = base
        self._headers = dict(headers)
        self._timeout = timeout
        self._targets = intake_targets(settings.fields)
        # An OPD names a refused field by its own path: map it back to ours.
        self._ours = {theirs: ours for ours, theirs in self._targets.items()}
        renamed_requester = settings.fields.get("requester", "requester")
        if renamed_requester is not None:
            self._ours[renamed_requester] = "requester"
        status = settings.status
        self._states = LabelMap(RequestState, status.values if status else None)
        self._grounds = LabelMap(ExemptionGround, status.ground_values if status else None)

    async def submit(self, submission: Submission) -> UpstreamReceipt:
        """Deliver ``submission`` once; see the module docstring for how answers are read."""
        if submission.operation is SubmissionOperation.CANCEL:
            if self.settings.cancel_path is None:
                raise NotSupported("this OPD's intake takes no cancellations (no intake.cancel_path)")
            if submission.reference is None:
                raise SubmissionRejected(
                    "a cancellation needs the OPD's reference from the receipt of the delivered request",
                    "reference",
                )
            path = _with_reference(self.settings.cancel_path, submission.reference)
        else:
            path = self.settings.path
        headers = {**self._headers, "Idempotency-Key": submission.registration_number}
        request = self.http.build_request(
            "POST",
            self._url(path),
            json=intake_body(submission, self._targets),
            headers=headers,
            timeout=self._timeout,
        )
        what = describe_request(request)
        with translate_http_errors(what):
            response = await send(self.http, request)
        status = response.status_code
        if 200 <= status < 300 or status == 409:
            return self._receipt(response, what, submission)
        # These say nothing about the submission itself: worth trying again later.
        if status in (401, 403):
            message = f"{what}: HTTP {status}: the OPD refuses our credentials; check the intake secret, auth"
            raise UpstreamUnavailable(message, status_code=status)
        if status == 408:
            raise UpstreamUnavailable(f"{what}: HTTP 408: the OPD gave up waiting", status_code=status)
        if 400 <= status < 500 and status != 429:
            message, field = self._rejection(response)
            raise SubmissionRejected(f"{what}: HTTP {status}: {message}", field, status_code=status)
        check_status(response, what)  # 429 and 5xx raise UpstreamUnavailable, 1xx/3xx UpstreamBadResponse
        raise UpstreamBadResponse(f"{what}: unexpected HTTP {status}")  # pragma: no cover

    async def status(self, reference: str) -> UpstreamRequestStatus:
        """The state of the request the OPD knows as ``reference``."""
        status = self.settings.status
        if status is None:
            raise NotSupported("this OPD's intake reports no request states (no intake.status)")
        request = self.http.build_request(
            "GET",
            self._url(_with_reference(status.path, reference)),
            headers=self._headers,
            timeout=self._timeout,
        )
        what = describe_request(request)
        reply = await fetch_optional_json(self.http, request)
        if reply is None:
            raise UpstreamBadResponse(f"{what}: the OPD does not know reference {reference!r} (HTTP 404)")
        return self._read_status(reply.body, reference, status, what)

    def _url(self, path: str) -> str:
        return f"{self._base}/{path.lstrip('/')}"

    def _receipt(self, response: httpx.Response, what: str, submission: Submission) -> UpstreamReceipt:
        duplicate = response.status_code == 409
        body = read_json(response, what) if response.content else None
        reference: Any = read_path(body, self.settings.reference)
        if reference is MISSING:
            if submission.operation is SubmissionOperation.CANCEL:
                reference = submission.reference
            else:
                message = f"{what}: HTTP {response.status_code} without the OPD's reference"
                raise UpstreamBadResponse(message, field=join_path("", self.settings.reference))
        if isinstance(reference, int) and not isinstance(reference, bool):
            reference = str(reference)
        data: dict[str, Any] = {"reference": reference, "duplicate": duplicate}
        sources = {"reference": self.settings.reference}
        if self.settings.accepted_at:
            accepted = read_path(body, self.settings.accepted_at)
            if accepted is not MISSING:
                data["accepted_at"] = accepted
                sources["accepted_at"] = self.settings.accepted_at
        return build_record(UpstreamReceipt, data, sources=sources, origin=what)

    def _read_status(
        self, body: Any, reference: str, status: IntakeStatusSettings, origin: str
    ) -> UpstreamRequestStatus:
        label = require_path(body, status.state)
        data: dict[str, Any] = {
            "reference": reference,
            "state": self._states.parse(label, field=join_path("", status.state)),
        }
        sources = {"state": status.state}
        for name in ("message", "updated_at", "holding_body"):
            path = getattr(status, name)
            value = read_path(body, path) if path else MISSING
            if value is not MISSING and not (isinstance(value, str) and not value.strip()):
                data[name] = value
                sources[name] = path
        if status.refusal_ground:
            ground = read_path(body, status.refusal_ground)
            if ground is not MISSING and not (isinstance(ground, str) and not ground.strip()):
                field = join_path("", status.refusal_ground)
                data["refusal_ground"] = self._grounds.parse(ground, field=field)
        return build_record(UpstreamRequestStatus, data, sources=sources, origin=origin)

    def _rejection(self, response: httpx.Response) -> tuple[str, str | None]:
        # Best effort over the common shapes: Laravel {"message", "errors": {field: [..]}},
        # DRF {field: [..]} or {"detail": ..}, and {"message"} / {"error"} elsewhere.
        try:
            body = response.json()
        except ValueError:
            return _clip(response.text) or "refused", None
        message: str | None = None
        theirs: str | None = None
        if isinstance(body, Mapping):
            for key in ("message", "detail", "error"):
                if isinstance(body.get(key), str):
                    message = body[key]
                    break
            errors = body.get("errors")
            if isinstance(errors, Mapping) and errors:
                theirs, first = _first_error(errors)
                message = message or first
            elif message is None:
                theirs, message = _first_error(body)
        if theirs is not None:
            message = f"{message or 'refused'} (the OPD's field {theirs!r})"
        return _clip(message or "refused"), self._our_field(theirs)

    def _our_field(self, theirs: str | None) -> str | None:
        if theirs is None:
            return None
        if theirs in self._ours:
            return self._ours[theirs]
        return theirs


def _first_error(errors: Mapping[str, Any]) -> tuple[str | None, str | None]:
    # Walks {"requester": {"nik": ["..."]}} down to ("requester.nik", "...").
    path: list[str] = []
    node: Any = errors
    while isinstance(node, Mapping) and node:
        key = next(iter(node))
        path.append(str(key))
        node = node[key]
    while isinstance(node, list) and node:
        node = node[0]
    message = node if isinstance(node, str) else None
    return (".".join(path) or None), message


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _with_reference(path: str, reference: str) -> str:
    return path.replace("{reference}", quote(reference, safe=""))
