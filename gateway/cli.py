"""The ``ppid-gateway`` command: demo, serve, check, migrate, officer-key, new-connector."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from . import __version__
from .kip.roles import OfficerRole

FAULTS = ("down", "hang", "slow", "error", "garbage")


def _fault(text: str) -> tuple[str, str]:
    slug, sep, fault = text.partition("=")
    if not sep or not slug or fault not in FAULTS:
        raise argparse.ArgumentTypeError(
            f"expected SLUG=FAULT with FAULT one of {', '.join(FAULTS)}; got {text!r} "
            "(example: --fault dinkes=down)"
        )
    return slug, fault


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ppid-gateway",
        description="One GraphQL gateway over the PPID services of every OPD of Banten Province.",
    )
    parser.add_argument("--version", action="version", version=f"ppid-gateway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run the simulated fleet of Banten OPD portals and the gateway on this machine",
        description="Start the simulated OPD portals (separate processes, real HTTP on 127.0.0.1), "
        "then the gateway on the embedded defaults. Ctrl-C stops everything.",
    )
    demo.add_argument(
        "--host", default="127.0.0.1", help="address the gateway listens on (default: %(default)s)"
    )
    demo.add_argument(
        "--port", type=int, default=8000, help="gateway port (default: %(default)s; 0 picks a free one)"
    )
    demo.add_argument("--opds", type=int, default=None, metavar="N", help="simulate only the first N OPDs")
    demo.add_argument(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="SLUG=FAULT",
        help=f"make one OPD misbehave: {', '.join(FAULTS)} (repeatable)",
    )
    demo.add_argument(
        "--latency-ms", type=float, default=20.0, help="simulated latency of every OPD (default: 20)"
    )
    demo.add_argument("--processes", type=int, default=4, help="simulator processes (default: %(default)s)")
    demo.add_argument(
        "--data-dir", type=Path, default=None, help="where the demo writes its config (default: a temp dir)"
    )

    serve = commands.add_parser("serve", help="run the gateway in production")
    serve.add_argument("--config", type=Path, required=True, help="the gateway's YAML config")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: %(default)s)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])

    check = commands.add_parser("check", help="validate a config and probe every OPD")
    check.add_argument("--config", type=Path, required=True, help="the gateway's YAML config")

    migrate = commands.add_parser("migrate", help="apply the request ledger's database migrations")
    migrate.add_argument(
        "--config", type=Path, required=True, help="the gateway's YAML config (its database:)"
    )

    officer_key = commands.add_parser(
        "officer-key",
        help="make a new key for a PPID officer and print the config lines for it",
        description="Print a fresh random officer key (shown once, stored nowhere) and the `officers:` "
        "entry with its SHA-256 to paste into the config.",
    )
    officer_key.add_argument(
        "--id", dest="officer_id", help="the officer's id in the entry (e.g. dinkes-ppid)"
    )
    officer_key.add_argument("--name", help="the officer's display name in the entry")
    officer_key.add_argument(
        "--role", choices=[role.value for role in OfficerRole], help="the officer's role in the entry"
    )
    officer_key.add_argument("--opd", help="the slug of the officer's OPD (not for PPID_UTAMA)")

    new_connector = commands.add_parser(
        "new-connector",
        help="write a new connector package (ppid-connector-NAME/) to adapt to an OPD's system",
        description="Write ppid-connector-NAME/: a working connector for a plain JSON API, registered "
        "under the entry-point group ppid_gateway.connectors, with the contract kit's tests and a README "
        "saying how to install, configure and test it.",
    )
    new_connector.add_argument(
        "name", metavar="NAME", help="the connector kind, as written in config (e.g. sipd, my-dms)"
    )
    new_connector.add_argument(
        "--output",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="the folder to create ppid-connector-NAME/ in (default: the current folder)",
    )
    new_connector.add_argument(
        "--force",
        action="store_true",
        help="write the generated files over an existing ppid-connector-NAME/ (other files are kept)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ppid-gateway`` command."""
    args = _parser().parse_args(argv)
    console = Console(stderr=False)
    if args.command == "check":
        from .check import run_check

        return run_check(args.config, console)
    if args.command == "migrate":
        from .migrate import run_migrate

        return run_migrate(args.config, console)
    if args.command == "serve":
        return _serve(args, console)
    if args.command == "officer-key":
        from .officer_key import OfficerKeyRequest, run_officer_key

        role = None if args.role is None else OfficerRole(args.role)
        return run_officer_key(
            OfficerKeyRequest(officer_id=args.officer_id, name=args.name, role=role, opd=args.opd), console
        )
    if args.command == "new-connector":
        from .scaffold import run_new_connector

        return run_new_connector(args.name, args.output, force=args.force, console=console)
    if args.command == "demo":
        from .demo import DemoOptions, run_demo

        return run_demo(
            DemoOptions(
                host=args.host,
                port=args.port,
                opd_count=args.opds,
                faults=dict(args.fault),
                latency_ms=args.latency_ms,
                processes=args.processes,
                data_dir=args.data_dir,
            ),
            console,
        )
    return 2  # unreachable: argparse requires a command


def _serve(args: argparse.Namespace, console: Console) -> int:
    import uvicorn

    from .app import CONFIG_ENV, StartupError, create_app, personal_data_cipher
    from .config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        console.print(f"[bold red]Invalid config[/]\n{exc.render()}", highlight=False)
        return 2
    try:
        personal_data_cipher(config.personal_data)  # refuse to start without the key, in every worker mode
    except StartupError as exc:
        console.print(f"[bold red]Cannot start[/]: {exc}", highlight=False)
        return 2
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.workers > 1:
        # Worker processes import the app themselves; they find the config here.
        os.environ[CONFIG_ENV] = str(args.config.resolve())
        uvicorn.run(
            "gateway.app:create_app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
        )
    else:
        uvicorn.run(create_app(config), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
