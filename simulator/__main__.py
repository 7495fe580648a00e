"""``python -m simulator``: serve simulated OPDs, or print the gateway config for them.

python -m simulator serve --opds dinkes,bappeda [--knobs JSON] [--port-base N]
python -m simulator serve-fleet --base-port 18100
python -m simulator config --base-port 18100 --catalog-dir examples/catalogs
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .catalogs import write_catalogs
from .dialects import dms_url_env
from .directory import REGENCY_NAME, UnknownOpdError, load_opds, opd_index, regency_opds
from .gateway_config import fixed_endpoints, render_config_yaml, render_gateway_config
from .knobs import KnobSpecError, parse_knob_spec
from .plan import Dialect, make_plan
from .process import run_process
from .regency import REGENCY_PORT_OFFSET, Regency, graphql_block


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve some OPDs in this process, one port each")
    serve.add_argument("--opds", default="all", help="comma-separated slugs, or 'all' (default)")
    _serving_options(serve)
    serve.add_argument(
        "--port-base",
        type=int,
        default=None,
        help="put each OPD on PORT_BASE + its index in the directory (default: ports the OS picks)",
    )
    serve.add_argument("--control-port", type=int, default=0, help="the control API's port (default: any)")
    serve.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop when stdin closes (used by simulator.fleet.Fleet so no process outlives its parent)",
    )

    fleet = commands.add_parser("serve-fleet", help="serve all 43 OPDs on fixed ports, for running by hand")
    fleet.add_argument("--base-port", type=int, default=18100, help="OPD number i listens on BASE_PORT + i")
    _serving_options(fleet)
    fleet.add_argument("--control-port", type=int, default=None, help="default: BASE_PORT - 1")

    config = commands.add_parser("config", help="print the gateway config for the fixed-port fleet")
    config.add_argument("--base-port", type=int, default=18100)
    config.add_argument("--catalog-dir", type=Path, required=True, help="where to write the files catalogs")
    config.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="the folder the config will live in; catalog paths are relative to it (default: "
        "the parent of --catalog-dir)",
    )
    config.add_argument("--output", type=Path, default=None, help="write the config here instead of stdout")
    return parser


def _serving_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knobs",
        default=None,
        help='faults per OPD as JSON, e.g. \'{"dinkes": {"latency_ms": 50}, "*": {"jitter_ms": 5}}\', '
        "or @FILE",
    )
    parser.add_argument(
        "--dialects", default=None, help='dialect overrides as JSON, e.g. \'{"dinkes": "drf"}\''
    )
    parser.add_argument(
        "--auth",
        default=None,
        help="comma-separated OPDs whose API wants X-API-Key (default: the built-in pair; 'none' for none)",
    )
    parser.add_argument(
        "--dms",
        default=None,
        help='database URLs of sql OPDs as JSON, e.g. \'{"dpmptsp": "postgresql+asyncpg://..."}\' '
        "(default: a SQLite file each, in a folder removed on exit)",
    )
    parser.add_argument(
        "--intake",
        default=None,
        help="comma-separated OPDs that take requests (default: the built-in third of the laravel and drf "
        "OPDs; 'none' for none)",
    )


def _serve(
    args: argparse.Namespace,
    slugs: str,
    port_base: int | None,
    control_port: int,
    dms_urls: dict[str, str] | None = None,
) -> int:
    auth = None if args.auth is None else [s for s in args.auth.split(",") if s and s != "none"]
    intake = None if args.intake is None else [s for s in args.intake.split(",") if s and s != "none"]
    try:
        dialects = json.loads(args.dialects) if args.dialects else None
        databases = {**(json.loads(args.dms) if args.dms else {}), **(dms_urls or {})}
        plans = make_plan(slugs, dialects=dialects, auth=auth, intake=intake)
        knobs = parse_knob_spec(args.knobs, [plan.slug for plan in plans])
    except (UnknownOpdError, KnobSpecError, ValueError) as exc:
        print(f"simulator: {exc}", file=sys.stderr)
        return 2
    ports = {} if port_base is None else {plan.slug: port_base + opd_index(plan.slug) for plan in plans}
    return run_process(
        plans,
        knobs=knobs,
        ports=ports,
        control_port=control_port,
        watch_stdin=getattr(args, "exit_with_stdin", False),
        dms_urls=databases,
    )


def _serve_fleet(args: argparse.Namespace) -> int:
    """Every real OPD on BASE_PORT + i, the regency's gateway on BASE_PORT + 50, sql OPDs' databases."""
    control = args.base_port - 1 if args.control_port is None else args.control_port
    last = args.base_port + len(load_opds()) - 1
    regency_port = args.base_port + REGENCY_PORT_OFFSET
    sql_opds = [plan.slug for plan in make_plan() if plan.dialect is Dialect.SQL]
    with tempfile.TemporaryDirectory(prefix="ppid-simulator-dms-") as folder:
        databases = {slug: f"sqlite+aiosqlite:///{Path(folder) / f'{slug}.sqlite'}" for slug in sql_opds}
        print(f"simulator: starting {REGENCY_NAME}'s gateway on port {regency_port}…", file=sys.stderr)
        try:
            regency = Regency(port=regency_port).start()
        except (OSError, RuntimeError) as exc:
            print(f"simulator: the regency did not start: {exc}", file=sys.stderr)
            return 1
        try:
            print(
                f"simulator: serving {len(load_opds())} OPDs on ports {args.base_port}-{last}, "
                f"control API on {control}, {REGENCY_NAME}'s gateway at {regency.endpoint}; Ctrl-C stops",
                file=sys.stderr,
            )
            for slug, url in databases.items():
                print(f"simulator: {slug}'s documents: export {dms_url_env(slug)}={url}", file=sys.stderr)
            return _serve(args, "all", args.base_port, control, databases)
        finally:
            regency.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args, args.opds, args.port_base, args.control_port)
    if args.command == "serve-fleet":
        return _serve_fleet(args)
    config_dir = args.config_dir or args.catalog_dir.parent
    endpoints = fixed_endpoints(args.base_port)
    write_catalogs(args.catalog_dir, endpoints)
    regency_url = f"http://127.0.0.1:{args.base_port + REGENCY_PORT_OFFSET}/graphql"
    regency = {opd.slug: graphql_block(regency_url, opd.slug) for opd in regency_opds()}
    config = render_gateway_config(
        endpoints, catalog_dir=args.catalog_dir, config_dir=config_dir, regency=regency
    )
    text = render_config_yaml(config, base_port=args.base_port)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
