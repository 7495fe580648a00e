"""``ppid-gateway officer-key``: a fresh key for one officer, and the config lines that let it in.

The key is printed once and kept nowhere: the config gets only its SHA-256.
An officer who loses a key gets a new one (and the old line is replaced).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from rich.console import Console

from .kip.roles import OfficerRole
from .officers import key_sha256, new_officer_key

__all__ = ["OfficerKeyRequest", "officer_entry_yaml", "run_officer_key"]


@dataclass(frozen=True)
class OfficerKeyRequest:
    """What the entry printed for the new key says; each part is a placeholder when not given."""

    officer_id: str | None = None
    name: str | None = None
    role: OfficerRole | None = None
    opd: str | None = None


def officer_entry_yaml(request: OfficerKeyRequest, digest: str) -> str:
    """The ``officers:`` entry for an officer whose key has the SHA-256 ``digest``, as YAML lines.

    What ``request`` leaves out is filled with an example and marked with a comment to change it.
    """
    utama = request.role is OfficerRole.PPID_UTAMA
    example_id, example_name = ("ppid-utama", "PPID Utama") if utama else ("dinkes-ppid", "PPID Dinkes")
    role = None if request.role is None else request.role.value
    lines = [
        "  - " + _line("id", request.officer_id, example_id),
        "    " + _line("name", request.name, example_name),
        "    " + _line("role", role, "PPID  # or ATASAN, PPID_UTAMA"),
    ]
    if not utama:
        lines.append("    " + _line("opd", request.opd, "dinkes"))
    lines.append(f"    key_sha256: {digest}")
    return "\n".join(lines)


def _line(key: str, value: str | None, example: str) -> str:
    if value is None:
        return f"{key}: {example}" + ("" if "#" in example else "  # change this")
    # quoted by YAML's own rules, so that a name with a colon stays one string
    scalar = "\n".join(line for line in yaml.safe_dump(value).splitlines() if line != "...")
    return f"{key}: {scalar}"


def run_officer_key(request: OfficerKeyRequest, console: Console) -> int:
    """Print a new key and its config entry; the exit code is 0."""
    key = new_officer_key()
    console.print("New officer key (give it to the officer only; it is not stored anywhere):\n")
    console.print(f"    {key}\n", highlight=False, soft_wrap=True)
    console.print(
        "Add the officer under `officers:` in the gateway's config (or replace the key_sha256 line "
        "of the officer whose key this replaces), then restart the gateway:\n",
        soft_wrap=True,
    )
    console.print(officer_entry_yaml(request, key_sha256(key)), highlight=False, soft_wrap=True, markup=False)
    console.print(
        "\nThe officer sends it as `Authorization: Bearer <key>` (or `X-API-Key: <key>`).", highlight=False
    )
    return 0
