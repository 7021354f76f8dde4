"""``python -m clawlib.proxy``: serve, or (``--healthcheck``) probe a running proxy."""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from aiohttp import web

from ._costs import load_prices
from ._providers import load_providers
from ._server import ProxyConfig, StdoutLines, make_app

__all__ = ["healthcheck", "main", "parse_listen_addr"]

SHUTDOWN_TIMEOUT = 10.0
"""Seconds in-flight requests get to finish after SIGTERM or SIGINT."""


def parse_listen_addr(text: str) -> tuple[str, int]:
    """``LISTEN_ADDR`` as Go writes it, ``[host]:port``: an empty host is every interface."""
    host, colon, port = text.strip().rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"LISTEN_ADDR {text!r} is not [host]:port")
    return host.strip("[]") or "0.0.0.0", int(port)


def healthcheck(port: int, timeout: float = 3.0) -> int:
    """0 when ``GET http://127.0.0.1:<port>/health`` answers 200 within ``timeout``, else 1.
    Plain urllib, no event loop, and no proxy from the environment."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/health", timeout=timeout) as response:
            return 0 if response.status == 200 else 1
    except (OSError, urllib.error.URLError, ValueError):
        return 1


def _prices_path(env: Mapping[str, str], auth_dir: Path) -> Path | None:
    if env.get("CLLAMA_PRICES"):
        return Path(env["CLLAMA_PRICES"])
    default = auth_dir / "prices.json"
    return default if default.is_file() else None


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the proxy until SIGTERM or SIGINT; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m clawlib.proxy", description=__doc__)
    parser.add_argument(
        "--healthcheck",
        "-healthcheck",
        action="store_true",
        help="probe the proxy listening on LISTEN_ADDR's port; exit 0 when healthy",
    )
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    try:
        host, port = parse_listen_addr(env.get("LISTEN_ADDR") or ":8080")
    except ValueError as exc:
        print(f"cllama: {exc}", file=sys.stderr)
        return 2
    if args.healthcheck:
        return healthcheck(port)

    auth_dir = Path(env.get("CLAW_AUTH_DIR") or "/claw/auth")
    try:
        providers = load_providers(auth_dir, env)
        prices = load_prices(_prices_path(env, auth_dir))
    except (OSError, ValueError) as exc:
        print(f"cllama: {exc}", file=sys.stderr)
        return 2
    root = Path(env.get("CLAW_CONTEXT_ROOT") or "/claw/context")
    log = StdoutLines()
    app = make_app(ProxyConfig(context_root=root, providers=providers, prices=prices, log=log))
    addr = env.get("LISTEN_ADDR") or ":8080"
    web.run_app(
        app,
        host=host,
        port=port,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        print=lambda _: print(f"cllama api listening on {addr}", file=sys.stderr, flush=True),
        access_log=None,
    )
    log.flush()  # the lines of the loop's last turn
    return 0
