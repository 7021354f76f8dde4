"""Load a claw-pod.yml: compose passes through, ``x-claw`` is validated, every problem at once.

A pod with problems can also be loaded *partially* (``load_pod(..., partial=True)``), for a
caller that goes on to find the problems of the later stages too (the planner): the services
that loaded are kept, every problem is in :attr:`Pod.problems`. A service with a problem of its
own is kept as a plain compose service (other services may name it) and is not a claw, so that
no later stage checks what was not understood and reports the same mistake again. So is a claw
naming (``service://``, ``allow_from_services``) a service that could not be loaded, or whose
compose keys have a problem: it would read that service's ports or bot token.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import re
import stat
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from clawlib._files import describe_mode, path_too_long, read_regular
from clawlib.errors import PodError, PodNotFoundError, PodProblem, UnreadableFileError
from clawlib.limits import MAX_POD_FILE_BYTES
from clawlib.yamlio import YamlDocument, describe, format_path, load_yaml

from ._compose import check_compose
from ._env import PLACEHOLDER, expand, read_dotenv
from ._models import PodClaw, ServiceClaw, SurfaceEntry, handle_shorthand

__all__ = ["POD_FILE", "Pod", "PodService", "find_pod", "load_pod", "pod_path"]

POD_FILE = "claw-pod.yml"
SURFACE_SCHEMES = ("channel", "egress", "host", "service", "volume")
Path_ = tuple[str | int, ...]


def pod_path(pod: str | Path = ".") -> Path:
    """The pod file ``pod`` names: itself, or the ``claw-pod.yml`` of a directory (as given,
    relative or not; whether it exists is not checked: an applied pod can be brought down
    without it). Every command resolves its pod argument here."""
    path = Path(pod)
    try:
        if path.is_dir():
            path = path / POD_FILE
    except (OSError, ValueError):  # a path too long, a NUL in it: not a directory, then
        pass
    return path


def find_pod(pod: str | Path = ".") -> Path:
    """The pod file ``pod`` names (see :func:`pod_path`), made absolute. It must be a regular
    file: else :class:`~clawlib.errors.PodNotFoundError` saying what is there instead (nothing,
    a directory without a pod file, a named pipe...)."""
    text = str(pod)
    if "\0" in text:
        shown = text.encode("unicode_escape").decode()
        raise PodNotFoundError(shown, "holds a NUL character, which no path can")
    if path_too_long(text):
        raise PodNotFoundError(text[:60] + "…", "a path too long for the file system")
    path = pod_path(pod)
    given = Path(pod)
    shown = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if path != given:
            raise PodNotFoundError(str(given), f"no {POD_FILE} in this directory") from None
        raise PodNotFoundError(shown, "no such pod file or directory") from None
    except OSError as exc:
        raise PodNotFoundError(shown, f"cannot be read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        what = describe_mode(info.st_mode)
        raise PodNotFoundError(shown, f"{what}, not a regular file: claw reads files only")
    return path.absolute()


@dataclass(frozen=True)
class PodService:
    """One compose service: its compose keys (``x-claw`` removed, file order) and its claw block.

    ``claw`` is None for a plain compose service (no ``x-claw``, or ``x-claw:`` with nothing).
    """

    name: str
    compose: dict[str, Any]
    claw: ServiceClaw | None
    line: int = 0
    discord_bot_id: str | None = None
    """The Discord user id of the bot behind this service's ``DISCORD_BOT_TOKEN`` (the token's
    first segment), for ``allow_from_services``; the token itself is not kept."""
    unset_proxy_env: tuple[tuple[str, str], ...] = ()
    """(``cllama-env`` key, variable) for each ``${VAR}`` there that neither ``.env`` nor the
    environment sets (those values are left for compose, which would pass an empty one)."""

    @property
    def is_claw(self) -> bool:
        return self.claw is not None


@dataclass(frozen=True)
class Pod:
    """A loaded pod. ``compose`` is the document without the top-level ``x-claw`` and with each
    service's ``x-claw`` removed, keys in file order; treat it as read-only."""

    file: Path
    name: str
    compose: dict[str, Any]
    services: dict[str, PodService]
    claw: PodClaw = field(default_factory=PodClaw)
    dotenv: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[PodProblem, ...] = ()
    document: YamlDocument = field(default_factory=lambda: YamlDocument(None))
    display: str = POD_FILE
    """How messages name the pod file (as the user gave it)."""
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """What ``${VAR}`` placeholders resolve from: the pod's ``.env`` under the environment the
    pod was loaded with (which wins). A driver's token and key look-ups read it too
    (:meth:`lookup_environment`)."""
    problems: tuple[PodProblem, ...] = ()
    """What is wrong in the pod file, for a pod loaded with ``partial`` (empty otherwise). Such
    a pod is incomplete: :func:`~clawlib.planner.plan_pod` reports these problems with its own
    and never plans it."""

    def lookup_environment(self, environment: Mapping[str, str]) -> dict[str, str]:
        """Where a token or key for a service with ``environment`` (its compose
        ``environment:``, values as written) is looked up: those values with their ``${VAR}``
        resolved from :attr:`env`, over :attr:`env` itself. A value whose placeholder nothing
        sets, or an empty one, is left out: the name is not set."""
        found = dict(self.env)
        for name, value in environment.items():
            resolved = PLACEHOLDER.sub(lambda m: self.env.get(m.group(1), m.group(0)), value)
            if resolved and not PLACEHOLDER.search(resolved):
                found[name] = resolved
            else:
                found.pop(name, None)
        return {name: value for name, value in found.items() if value}

    def problem(self, path: tuple[str | int, ...], detail: str) -> PodProblem:
        """A problem at ``path`` in this pod file, with its line."""
        return PodProblem(format_path(path), self.document.line_of(path), detail)

    @property
    def directory(self) -> Path:
        return self.file.parent

    @property
    def claws(self) -> list[PodService]:
        """The claw services, in file order."""
        return [service for service in self.services.values() if service.is_claw]


def load_pod(
    path: str | Path, *, environ: Mapping[str, str] | None = None, partial: bool = False
) -> Pod:
    """Load the pod at ``path`` (a claw-pod.yml, or a directory holding one).

    ``${VAR}`` placeholders in x-claw values are resolved from the pod's ``.env`` and
    ``environ`` (default: the process environment), which wins; ``cllama-env`` values are left
    for compose to resolve, so that provider keys never land in generated files. Raises
    :class:`PodError` listing every problem, each with its YAML path and line.

    With ``partial``, a pod whose services have problems is returned all the same, holding the
    services that loaded and every problem in :attr:`Pod.problems` (see the module docstring);
    a file that cannot be read or parsed, or is no mapping, still raises.
    """
    file = pod_path(path)
    display = str(path if Path(path).name == file.name else file)
    try:
        data = read_regular(file, MAX_POD_FILE_BYTES)
        text = data.decode("utf-8")
    except UnreadableFileError as exc:
        detail = "no such pod file" if exc.missing else exc.reason
        raise PodError.at(display, "", 0, detail) from exc
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PodError.at(
            display, "", line, f"not valid UTF-8 (byte {data[exc.start]:#04x}); save it as UTF-8"
        ) from exc
    document = load_yaml(text, display)
    try:
        dotenv = read_dotenv(file.parent / ".env")
    except UnreadableFileError as exc:
        raise PodError.at(str(file.parent / ".env"), "", 0, exc.reason) from exc
    env = {**dotenv.values, **(os.environ if environ is None else environ)}
    return _Loader(display, document, env).load(file.resolve(), dotenv, partial=partial)


class _Loader:
    def __init__(self, display: str, document: YamlDocument, env: Mapping[str, str]) -> None:
        self.display = display
        self.document = document
        self.env = env
        self.problems: list[PodProblem] = []
        self.warnings: list[PodProblem] = []
        self.partial: dict[str, list[tuple[int, SurfaceEntry]]] = {}
        """Surfaces of claw services whose x-claw has problems elsewhere."""
        self.unreliable: set[str] = set()
        """Services whose compose keys others cannot rely on: left out (no mapping, an invalid
        name), or with a problem in them (a claw naming one reads its ports or its token)."""
        self.troubled: set[str] = set()
        """Services with a problem of their own, or naming an unreliable service."""

    def problem(self, path: Path_, detail: str) -> None:
        self.problems.append(PodProblem(format_path(path), self.document.line_of(path), detail))
        if len(path) > 1 and path[0] == "services":
            self.troubled.add(str(path[1]))
            if len(path) == 2 or path[2] != "x-claw":
                self.unreliable.add(str(path[1]))

    def load(self, file: Path, dotenv: Any, *, partial: bool = False) -> Pod:
        for line, reason in dotenv.problems:
            self.warnings.append(PodProblem("", 0, f".env line {line} ignored: {reason}"))
        data = self.document.data
        if not isinstance(data, dict):
            self.problem((), "a pod file is a mapping with a services: key")
            raise PodError(self.display, self.problems)
        pod_claw = self.pod_claw(data.get("x-claw"))
        defaults = self.platforms(pod_claw.handles_defaults, ("x-claw", "handles-defaults"))
        services_raw = data.get("services")
        if not isinstance(services_raw, dict) or not services_raw:
            self.problem(
                ("services",), "a pod needs services: a mapping of service name to service"
            )
            services_raw = {}
        check_compose(data, self.problem)
        services: dict[str, PodService] = {}
        for name, raw in services_raw.items():
            problem = service_name_problem(str(name))
            if problem is not None:
                self.problem(("services", str(name)), problem)
                continue
            service = self.service(str(name), raw, defaults)
            if service is not None:
                services[service.name] = service
        self.check_references(services)
        if self.problems and not partial:
            raise PodError(self.display, self.problems)
        services = {
            name: dataclasses.replace(service, claw=None)
            if name in self.troubled and service.claw is not None
            else service
            for name, service in services.items()
        }
        compose = {key: value for key, value in data.items() if key != "x-claw"}
        compose["services"] = {name: service.compose for name, service in services.items()}
        return Pod(
            file=file,
            name=pod_claw.pod or file.parent.name,
            compose=compose,
            services=services,
            claw=pod_claw,
            dotenv=dict(dotenv.values),
            env=dict(self.env),
            warnings=tuple(self.warnings),
            document=self.document,
            display=self.display,
            problems=tuple(self.problems),
        )

    def pod_claw(self, raw: Any) -> PodClaw:
        if raw is None:
            return PodClaw()
        if isinstance(raw, dict):
            raw = self.resolve_placeholders(raw, ("x-claw",))
        model = self.validate(PodClaw, raw, ("x-claw",))
        return model if isinstance(model, PodClaw) else PodClaw()

    def service(self, name: str, raw: Any, defaults: Mapping[str, Any]) -> PodService | None:
        path: Path_ = ("services", name)
        if not isinstance(raw, dict):
            self.problem(path, "a service is a mapping of compose keys")
            return None
        compose = {key: value for key, value in raw.items() if key != "x-claw"}
        line = self.document.line_of(path)
        bot_id = discord_bot_id(compose.get("environment"), self.env)
        block = raw.get("x-claw")
        if block is None:
            return PodService(name, compose, None, line, bot_id)
        claw_path = (*path, "x-claw")
        if not isinstance(block, dict):
            self.problem(claw_path, "x-claw is a mapping (agent, surfaces, handles, ...)")
            # Still a service others may name, as a plain one.
            return PodService(name, compose, None, line, bot_id)
        block = self.resolve_placeholders(block, claw_path)
        if "handles" in block:
            block["handles"] = self.merged_handles(
                block["handles"], defaults, (*claw_path, "handles")
            )
        claw = self.validate(ServiceClaw, block, claw_path)
        if not isinstance(claw, ServiceClaw):
            # Still a service others may name; its surfaces that do parse are still checked.
            self.partial[name] = _valid_surfaces(block.get("surfaces"))
            return PodService(name, compose, None, line, bot_id)
        if claw.count > 1 and "container_name" in compose:
            self.problem(
                (*claw_path, "count"),
                "count > 1 cannot be combined with container_name (replicas need distinct names)",
            )
        unset = tuple(
            (key, match.group(1))
            for key, value in claw.cllama_env.items()
            for match in PLACEHOLDER.finditer(value)
            if match.group(1) not in self.env
        )
        return PodService(name, compose, claw, line, bot_id, unset)

    def resolve_placeholders(self, block: dict[str, Any], path: Path_) -> dict[str, Any]:
        def unset(where: Path_, name: str) -> None:
            self.warnings.append(
                PodProblem(
                    format_path(where),
                    self.document.line_of(where),
                    f"${{{name}}} is not set (in .env or the environment); left as written",
                )
            )

        resolved = {}
        for key, value in block.items():
            if key == "cllama-env":  # resolved by compose at up time: secrets stay out of files
                resolved[key] = value
            else:
                resolved[key] = expand(value, self.env, unset, (*path, key))
        return resolved

    def platforms(self, raw: Mapping[str, Any], path: Path_) -> dict[str, Any]:
        """``raw`` with platform names trimmed and lower-cased; a clash is a problem, and so is
        a name that could not be a file name (a skill is written for each platform)."""
        lowered: dict[str, Any] = {}
        for key, value in raw.items():
            platform = str(key).strip().lower()
            if not platform:
                self.problem((*path, key), "platform name must not be empty")
            elif not _PLATFORM.fullmatch(platform):
                self.problem(
                    (*path, key),
                    f"platform name {json.dumps(platform, ensure_ascii=False)} is not valid: it "
                    'names files and variables, so it holds only letters, digits, ".", "_" and '
                    '"-", starting with a letter or digit, as HANDLE takes it (discord, slack...)',
                )
            elif platform in lowered:
                self.problem(
                    (*path, key),
                    f'platform "{platform}" is given twice (platform names ignore case)',
                )
            else:
                lowered[platform] = value
        return lowered

    def merged_handles(self, raw: Any, defaults: Mapping[str, Any], path: Path_) -> Any:
        """The service's handles, each deep-merged over the pod's default for its platform.

        Defaults apply only to platforms the service declares: a default has no id of its own,
        and a handle without an id is no identity (upstream copies every default into every
        claw, which then fails for lack of an id).
        """
        if not isinstance(raw, dict):
            return raw  # validation reports a wrong type
        handles = self.platforms(raw, path)
        return {
            platform: _deep_merge(handle_shorthand(defaults[platform]), handle_shorthand(value))
            if platform in defaults
            else value
            for platform, value in handles.items()
        }

    def validate(self, model: type[BaseModel], raw: Any, path: Path_) -> BaseModel | None:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(part for part in error["loc"] if not _internal(part))
                where = (*path, *_yaml_loc(raw, loc))
                self.problem(where, _message(model, loc, error, where))
            return None

    def check_references(self, services: Mapping[str, PodService]) -> None:
        names = sorted(services)
        for service in services.values():
            surfaces = (
                list(enumerate(service.claw.surfaces))
                if service.claw
                else self.partial.get(service.name)
            )
            if surfaces is None:
                continue
            base: Path_ = ("services", service.name, "x-claw", "surfaces")
            for index, entry in surfaces:
                surface = entry.surface
                where = (*base, index)
                if surface.scheme not in SURFACE_SCHEMES:
                    self.problem(
                        where,
                        f'unsupported surface scheme "{surface.scheme}" '
                        f"(valid: {', '.join(SURFACE_SCHEMES)})",
                    )
                elif surface.scheme == "service" and surface.target in self.unreliable:
                    self.troubled.add(service.name)  # its problem is the target's own
                elif surface.scheme == "service" and surface.target not in services:
                    self.problem(
                        where,
                        f'service surface targets unknown service "{surface.target}" '
                        f"(services: {', '.join(names)})",
                    )
                elif surface.scheme == "host" and not surface.target.startswith("/"):
                    self.problem(
                        where, f'host surface "{surface.raw}" must name an absolute host path'
                    )
                if entry.routing is not None:
                    for other in entry.routing.allow_from_services:
                        if other in self.unreliable:
                            self.troubled.add(service.name)
                        elif other not in services:
                            self.problem(
                                where,
                                f'allow_from_services names unknown service "{other}" '
                                f"(services: {', '.join(names)})",
                            )
                        elif services[other].discord_bot_id is None:
                            self.problem(
                                where,
                                f'allow_from_services names "{other}", whose Discord bot id '
                                f"cannot be derived: give it a DISCORD_BOT_TOKEN "
                                f"(or {_TRADING_TOKEN}) in its environment",
                            )


_PLATFORM = re.compile(r"[a-z0-9][a-z0-9._-]*")
"""A platform name, as HANDLE takes it in a Clawfile (lower-cased)."""
_SERVICE_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")
_SERVICE_NAME_MAX = 200


def service_name_problem(name: str) -> str | None:
    """What is wrong with ``name`` as a service name, or None. A service name is compose's
    (``[a-zA-Z0-9][a-zA-Z0-9_.-]*``) and names a directory of the runtime tree, so nothing else
    can pass: no path separator, no ``..``, nothing starting with a dot or a dash."""
    if _SERVICE_NAME.fullmatch(name) and len(name) <= _SERVICE_NAME_MAX:
        return None
    if not name:
        why = "is empty"
    elif len(name) > _SERVICE_NAME_MAX:
        why = f"is {len(name)} characters long (at most {_SERVICE_NAME_MAX})"
    else:
        why = f"is not valid: {json.dumps(name, ensure_ascii=False)}"
    return (
        f"service name {why}; a service name starts with a letter or a digit and holds only "
        'letters, digits, "_", "." and "-"'
    )


_BOT_TOKENS = ("DISCORD_BOT_TOKEN", "DISCORD_TRADING_API_BOT_TOKEN")
_TRADING_TOKEN = _BOT_TOKENS[1]


def discord_bot_id(environment: Any, env: Mapping[str, str]) -> str | None:
    """The bot user id encoded in a service's Discord bot token, or None.

    A Discord token's first dot-separated segment is the bot's user id in unpadded base64url.
    ``environment`` is the service's compose ``environment`` (map or list form; ``${VAR}`` and
    bare list entries take their values from ``env``).
    """
    values: dict[str, str] = {}
    if isinstance(environment, dict):
        for key, value in environment.items():
            values[str(key)] = env.get(str(key), "") if value is None else str(value)
    elif isinstance(environment, list):
        for item in environment:
            key, sep, text = str(item).partition("=")
            values[key.strip()] = text if sep else env.get(key.strip(), "")
    for name in _BOT_TOKENS:
        token = expand(values.get(name, ""), env, lambda *_: None).strip()
        if not token:
            continue
        segment = token.split(".", 1)[0]
        try:
            decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        return decoded if re.fullmatch(r"[0-9]+", decoded) else None
    return None


def _valid_surfaces(raw: Any) -> list[tuple[int, SurfaceEntry]]:
    """The entries of a ``surfaces`` list that are valid on their own, with their index."""
    valid = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            claw = ServiceClaw.model_validate({"surfaces": [item]})
        except ValidationError:
            continue
        valid.append((index, claw.surfaces[0]))
    return valid


def _deep_merge(base: Any, override: Any) -> Any:
    """Maps merge recursively; scalars and lists of ``override`` replace ``base``'s."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _deep_merge(base[key], value) if key in base else value
        return merged
    return override


def _yaml_loc(raw: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A model location as a path in the YAML: a surface's ``routing`` is under its URI key."""
    out: list[Any] = []
    current = raw
    for part in loc:
        if (
            part == "routing"
            and isinstance(current, dict)
            and len(current) == 1
            and part not in current
        ):
            part = next(iter(current))
        out.append(part)
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            current = None
    return tuple(out)


def _internal(part: Any) -> bool:
    """Pydantic adds validator names ('function-before[...]') to locations; they are not keys."""
    return isinstance(part, str) and "[" in part and part.endswith("]")


_TYPE_WORDS = {
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dataclass_type": "must be a mapping",
}


def _message(model: type[BaseModel], loc: tuple[Any, ...], error: Any, where: Path_ = ()) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        valid = ", ".join(_keys(parent)) if parent else ""
        return f'unknown key "{loc[-1]}"' + (f" (valid keys: {valid})" if valid else "")
    if kind == "missing":
        return f'missing required key "{loc[-1]}"'
    if kind in _TYPE_WORDS:
        return f"{_TYPE_WORDS[kind]}, got {describe(error.get('input'), where)}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected.replace(chr(39), '')}"
    if kind == "greater_than_equal":
        return f"must be at least {error['ctx']['ge']}, got {error.get('input')}"
    if kind == "less_than_equal":
        return f"must be at most {error['ctx']['le']}, got {error.get('input')}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that the location ``loc`` inside ``model`` points into."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            current = _element(current) if isinstance(part, int) else _value_type(current)
            continue
        fields = {info.alias or name: info for name, info in current.model_fields.items()}
        if part not in fields:
            return None
        current = fields[part].annotation
        current = _unwrap(current)
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


def _element(annotation: Any) -> Any:
    annotation = _unwrap(annotation)
    args = typing.get_args(annotation)
    return _unwrap(args[0]) if args else None


def _value_type(annotation: Any) -> Any:
    annotation = _unwrap(annotation)
    args = typing.get_args(annotation)
    return _unwrap(args[-1]) if args else None
