"""The ``microclaw`` driver: microclaw.config.yaml, a seeded contract, and a writable data dir.

Files under the service's runtime directory: ``config/microclaw.config.yaml`` (mounted as a
file, read-only, at ``/app/config/microclaw.config.yaml``; microclaw never rewrites it) and
``data/runtime/groups/AGENTS.md``, the contract with CLAWDAPUS.md appended, in the data
directory mounted read-write at ``/claw-data`` (microclaw keeps its state there, which is why
the root file system stays writable: upstream runs it that way). ``data`` is the runner's
state directory: what microclaw writes there, and the mount points the engine makes there for
the skills (under ``/claw-data/skills``, in the ``<stem>/SKILL.md`` layout), survive every
apply; only the seeded AGENTS.md is rewritten.

microclaw reads its provider key and bot tokens only from its config, so they are written there
as values (see :mod:`clawlib.drivers.microclaw._config`, also for how CONFIGURE values are
typed). It has no scheduler: INVOKE is ignored, with a warning.

The compose healthcheck looks for the runner's process: ``pgrep -f '[m]icroclaw'``. The
bracket keeps the pattern from matching the healthcheck's own shell, whose command line holds
the pattern (upstream's ``pgrep -f 'microclaw'`` always finds that shell, so it cannot fail).
"""

from __future__ import annotations

from clawlib.drivers._runner import (
    missing_token,
    normalise_provider,
    provider_key_problem,
    seeded_contract,
)
from clawlib.drivers.base import Driver, Healthcheck, Materialised, Mount, RuntimeFile
from clawlib.errors import DriverError
from clawlib.runtime import PERSONA_DIR, ResolvedClaw, clawdapus_md

from ._config import CHANNEL_PLATFORMS, dump_config, microclaw_config, primary_model

__all__ = ["MicroclawDriver"]

CONFIG = "/app/config/microclaw.config.yaml"
DATA = "/claw-data"


class MicroclawDriver(Driver):
    """microclaw: a YAML config, the contract in its groups dir, skills under /claw-data."""

    name = "microclaw"
    description = "microclaw: microclaw.config.yaml, seeded AGENTS.md, /claw-data"
    config_file = "config/microclaw.config.yaml"

    def validate(self, claw: ResolvedClaw) -> list[str]:
        problems: list[str] = []
        warnings: list[str] = []
        try:
            provider: str | None = primary_model(claw)[0]
        except ValueError as exc:
            problems.append(str(exc))
            provider = None
        for platform in sorted(claw.handles):
            if platform not in CHANNEL_PLATFORMS:
                warnings.append(
                    f'microclaw has no channel for HANDLE platform "{platform}": it is not '
                    "enabled (the CLAW_HANDLE_* variables are still set)"
                )
                continue
            names = [f"{platform.upper()}_BOT_TOKEN"]
            if platform == "slack":
                names.append("SLACK_APP_TOKEN")
            problems += filter(None, (missing_token(claw, platform, name) for name in names))
        if claw.proxy is not None:
            if not claw.proxy.token.strip():
                problems.append("the governance proxy gave this claw an empty token")
        elif provider is not None:
            problem = provider_key_problem(claw, normalise_provider(provider))
            if problem:
                problems.append(problem)
        try:
            microclaw_config(claw)
        except DriverError as exc:
            problems += [p for p in exc.problems if p not in problems]
        if claw.invocations:
            count = len(claw.invocations)
            warnings.append(
                "microclaw has no scheduler: INVOKE is not supported; ignoring "
                f"{count} invocation{'s' if count != 1 else ''}"
            )
        if problems:
            raise DriverError(*problems)
        return warnings

    def materialise(self, claw: ResolvedClaw) -> Materialised:
        config = microclaw_config(claw)
        files = {
            "config/microclaw.config.yaml": RuntimeFile(
                dump_config(config.document), secret=config.secret
            ),
            "data/runtime/groups/AGENTS.md": RuntimeFile(
                seeded_contract(claw.contract, clawdapus_md(claw))
            ),
        }
        mounts = [Mount("config/microclaw.config.yaml", CONFIG), Mount("data", DATA, False)]
        environment = {"CLAW_MANAGED": "true", "MICROCLAW_CONFIG": CONFIG}
        if claw.persona_files:
            mounts.append(Mount(PERSONA_DIR, f"{DATA}/persona", read_only=False))
            environment["CLAW_PERSONA_DIR"] = f"{DATA}/persona"
        return Materialised(
            files=files,
            mounts=tuple(mounts),
            tmpfs=("/tmp",),
            environment=environment,
            healthcheck=Healthcheck(("CMD-SHELL", "pgrep -f '[m]icroclaw' > /dev/null")),
            read_only=False,
            skill_dir=f"{DATA}/skills",
            skill_layout="directory",
            state_dirs=("data",),
            warnings=config.warnings,
        )
