"""Registration numbers as citizens type them: read into the canonical form, or a problem to fix."""

from __future__ import annotations

from gateway.identity.errors import ProblemList
from gateway.kip.registration import parse_registration_number

__all__ = ["parse_number"]


def parse_number(text: str, problems: ProblemList, *, raise_now: bool = True) -> str:
    """The canonical number, or a problem on ``registrationNumber`` (raised at once unless told not to).

    Without ``raise_now`` the problem waits in ``problems`` (and ``""`` is
    returned), so that a form reports it with its other fields' problems.
    """
    parsed = parse_registration_number(text)
    if parsed is None:
        problems.add(
            "registrationNumber",
            "This is not a registration number: copy it from your receipt, e.g. PI/2026/DINKES/000123.",
            "Ini bukan nomor registrasi: salin dari bukti permohonan Anda, misalnya PI/2026/DINKES/000123.",
        )
        if raise_now:
            problems.raise_if_any()
        return ""
    return str(parsed)
