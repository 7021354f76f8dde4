"""The ``nullclaw`` driver: config.json in a home mounted twice, the raw contract, cron by command.

Files under the service's runtime directory: ``nullclaw-home/config.json``, ``AGENTS.md`` (the
contract as written, mounted as ``/claw/AGENTS.md``: nullclaw reads ``/claw/CLAWDAPUS.md``
beside it, so nothing is inlined) and ``CLAWDAPUS.md``. ``nullclaw-home`` is mounted read-write
at ``/root/.nullclaw`` and again at ``/nullclaw-data/.nullclaw``, where nullclaw's own image
(``HOME=/nullclaw-data``) looks for it. nullclaw takes its tokens from config.json only, so the
file holds resolved bot tokens (and the proxy token of a governed claw) and is written 0600 and
masked in diffs.

A governed claw's providers point at the governance proxy by the service the pod really has
(``http://<proxy>:8080/v1``: ``cllama`` for the passthrough proxy). Upstream writes a
``cllama-<type>`` host, which names no service of a passthrough pod; that is a bug not
reproduced here.

INVOKE has no file: nullclaw keeps its schedule itself. After ``claw up`` started a container,
:meth:`NullclawDriver.post_apply` reads ``nullclaw cron list`` and runs ``nullclaw cron add
<schedule> "nullclaw agent -m '<message>'"`` for each invocation not listed yet, so a second
``claw up`` adds nothing. nullclaw's cron has no job names and no delivery target: an
invocation's name and ``to`` are ignored, with a warning in the plan. The health probe is the
container's state and its compose healthcheck (``/health`` on the gateway's port 3000).
"""

from __future__ import annotations

from clawlib.drivers._config import dump_json, split_model_ref
from clawlib.drivers._runner import missing_token
from clawlib.drivers.base import (
    ContainerExec,
    Driver,
    Healthcheck,
    Materialised,
    Mount,
    ProbeOutput,
    RuntimeFile,
)
from clawlib.engine import ContainerRecord
from clawlib.errors import DriverError
from clawlib.runtime import PERSONA_DIR, ResolvedClaw, clawdapus_md, token_variable

from ._config import CHANNEL_PLATFORMS, nullclaw_config

__all__ = ["NullclawDriver", "cron_command", "parse_cron_list", "shell_quote"]

CRON_TIMEOUT = 20.0
"""Seconds each ``nullclaw cron`` command may take."""


class NullclawDriver(Driver):
    """nullclaw (Zig): gateway on :3000, config.json, skills under /claw/skills, cron by command."""

    name = "nullclaw"
    description = "nullclaw gateway: config.json, raw AGENTS.md, cron jobs added after start"
    config_file = "nullclaw-home/config.json"

    def validate(self, claw: ResolvedClaw) -> list[str]:
        problems = []
        for slot in sorted(claw.models):
            try:
                split_model_ref(claw.models[slot])
            except ValueError as exc:
                problems.append(
                    f"MODEL {slot}: {exc} (write provider/model, e.g. anthropic/claude-sonnet-4)"
                )
        problems += nullclaw_config(claw).problems
        for platform in sorted(claw.handles, key=str.lower):
            name = platform.strip().lower()
            variable = token_variable(name)
            if name in CHANNEL_PLATFORMS and variable:
                missing = missing_token(claw, name, variable)
                problems += [missing] if missing else []
        for invocation in claw.invocations:
            where = f'INVOKE "{invocation.schedule}"'
            message = invocation.message.strip()
            if not message:
                problems.append(
                    f"{where}: the message is empty (nullclaw runs nullclaw agent -m <message>)"
                )
            elif "\n" in message or "\r" in message:
                problems.append(
                    f"{where}: the message spans several lines; nullclaw's cron takes one-line "
                    "commands"
                )
        if problems:
            raise DriverError(*problems)
        return []

    def materialise(self, claw: ResolvedClaw) -> Materialised:
        config = nullclaw_config(claw)
        if config.problems:
            raise DriverError(*config.problems)
        files = {
            "nullclaw-home/config.json": RuntimeFile(
                dump_json(config.document), secret=config.secret
            ),
            "AGENTS.md": RuntimeFile(claw.contract),
            "CLAWDAPUS.md": RuntimeFile(clawdapus_md(claw).encode()),
        }
        mounts = [
            Mount("nullclaw-home", "/root/.nullclaw", read_only=False),
            Mount("nullclaw-home", "/nullclaw-data/.nullclaw", read_only=False),
            Mount("AGENTS.md", "/claw/AGENTS.md"),
            Mount("CLAWDAPUS.md", "/claw/CLAWDAPUS.md"),
        ]
        environment = {"CLAW_MANAGED": "true"}
        if claw.persona_files:
            mounts.append(Mount(PERSONA_DIR, "/claw/persona", read_only=False))
            environment["CLAW_PERSONA_DIR"] = "/claw/persona"
        return Materialised(
            files=files,
            mounts=tuple(mounts),
            tmpfs=("/tmp",),
            environment=environment,
            healthcheck=Healthcheck(
                ("CMD-SHELL", "curl -fsS http://localhost:3000/health >/dev/null || exit 1")
            ),
            skill_dir="/claw/skills",
            skill_layout="flat",
            warnings=config.warnings,
        )

    def post_apply(
        self, container: ContainerRecord, claw: ResolvedClaw, run: ContainerExec
    ) -> tuple[str, ...]:
        """The running check, then each invocation registered with ``nullclaw cron add``
        unless ``nullclaw cron list`` already shows its schedule and command."""
        super().post_apply(container, claw, run)
        if not claw.invocations:
            return ()
        listed = self._cron(run, ("nullclaw", "cron", "list"))
        if listed.exit_code != 0:
            raise DriverError(
                f"nullclaw: cron list failed (exit {listed.exit_code}): {_detail(listed)}"
            )
        existing = parse_cron_list(listed.stdout + "\n" + listed.stderr)
        notes = []
        for invocation in claw.invocations:
            schedule = invocation.schedule.strip()
            command = cron_command(invocation.message)
            if (schedule, command) in existing:
                notes.append(f"cron job already registered (schedule: {schedule})")
                continue
            added = self._cron(run, ("nullclaw", "cron", "add", schedule, command))
            if added.exit_code != 0:
                raise DriverError(
                    f"nullclaw: cron add failed (schedule: {schedule}, exit {added.exit_code}): "
                    f"{_detail(added)}"
                )
            existing.add((schedule, command))
            notes.append(f"registered cron job (schedule: {schedule})")
        return tuple(notes)

    @staticmethod
    def _cron(run: ContainerExec, argv: tuple[str, ...]) -> ProbeOutput:
        try:
            return run(argv, CRON_TIMEOUT)
        except TimeoutError:
            raise DriverError(
                f"nullclaw: {' '.join(argv[:3])} did not finish within {CRON_TIMEOUT:g}s"
            ) from None


def shell_quote(text: str) -> str:
    """``text`` as one POSIX shell word in single quotes (``'`` written as ``'"'"'``)."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


def cron_command(message: str) -> str:
    """The command nullclaw's cron runs for an invocation: ``nullclaw agent -m '<message>'``."""
    return "nullclaw agent -m " + shell_quote(message.strip())


def parse_cron_list(text: str) -> set[tuple[str, str]]:
    """The (schedule, command) pairs of ``nullclaw cron list`` output.

    A job's line has ``|``-separated fields and a ``cmd:`` field: the schedule is the second
    field, the command everything after the first ``cmd:`` that follows it (a command may
    itself hold ``|`` or ``cmd:``). Other lines (headers, notes) are skipped.
    """
    found = set()
    for line in text.splitlines():
        fields = line.strip().split("|", 2)
        if len(fields) < 3 or " | " not in line:
            continue
        schedule = fields[1].strip()
        rest = fields[2]
        at = rest.find("cmd:")
        if at < 0:
            continue
        command = rest[at + len("cmd:") :].strip()
        if schedule and command:
            found.add((schedule, command))
    return found


def _detail(output: ProbeOutput) -> str:
    return output.stderr.strip() or output.stdout.strip() or "no output"
