"""The public API, pinned: every public module of clawlib and the names it exports.

A change here is a change of the library's contract: make it on purpose, in this file too.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import clawlib

PUBLIC_API: dict[str, list[str]] = {
    "clawlib": [
        "ApplyReport",
        "BuildInput",
        "BuildResult",
        "Check",
        "ClawError",
        "ClawImageInfo",
        "Clawfile",
        "DoctorReport",
        "GeneratedDockerfile",
        "InspectedImage",
        "Plan",
        "PlanDiff",
        "Pod",
        "PodSession",
        "PodStatus",
        "__version__",
        "apply",
        "build_image",
        "generate_dockerfile",
        "inspect_image",
        "load_pod",
        "open_pod",
        "plan_pod",
        "read_clawfile",
        "resolve_build_input",
        "run_doctor",
    ],
    "clawlib.api": [
        "BuildInput",
        "BuildResult",
        "GeneratedDockerfile",
        "InspectedImage",
        "build_image",
        "generate_dockerfile",
        "inspect_image",
        "resolve_build_input",
    ],
    "clawlib.clawfile": [
        "ACCESS_MODES",
        "DIRECTIVES",
        "ClawImageInfo",
        "Clawfile",
        "CronSchedule",
        "Heredoc",
        "Instruction",
        "Invocation",
        "LabelKey",
        "ParserDirective",
        "Surface",
        "clawfile_labels",
        "emit_dockerfile",
        "generated_dockerfile_name",
        "quote_label_value",
        "read_clawfile",
    ],
    "clawlib.compose": [
        "CLAW_NETWORK",
        "HANDLES_ENV",
        "RUNTIME_DIR",
        "ClawService",
        "ComposeDocument",
        "check_project_name",
        "normalise_project_name",
        "project_name",
        "render_compose",
        "same_value",
        "service_names",
    ],
    "clawlib.doctor": [
        "BASE_IMAGE",
        "Check",
        "DoctorReport",
        "run_doctor",
    ],
    "clawlib.drivers": [
        "ENTRY_POINT_GROUP",
        "UPSTREAM_CLAW_TYPES",
        "DriverInfo",
        "installed_drivers",
        "load_driver",
        "lookup_driver",
    ],
    "clawlib.drivers.base": [
        "Driver",
        "HealthResult",
        "Healthcheck",
        "Materialised",
        "Mount",
        "ProbeOutput",
        "RuntimeFile",
        "state_health",
    ],
    "clawlib.drivers.generic": [
        "GenericDriver",
    ],
    "clawlib.drivers.openclaw": [
        "OpenclawDriver",
        "parse_health",
    ],
    "clawlib.engine": [
        "Builder",
        "CommandResult",
        "ComposeCommand",
        "ComposeProject",
        "ContainerRecord",
        "DockerView",
        "EngineEvent",
        "EngineInfo",
        "EventKind",
        "EventStream",
        "ExecResult",
        "ImageRecord",
        "LogEnded",
        "LogLine",
        "LogSource",
        "LogStream",
        "ProcessRunner",
        "RawBody",
        "SubprocessRunner",
        "blamed_services",
        "describe_state",
        "detect_builder",
        "docker_build",
        "engine_host",
        "extract_image_file",
        "find_compose",
        "format_duration",
        "parse_engine_time",
        "state_word",
    ],
    "clawlib.errors": [
        "BuildFailedError",
        "ClawError",
        "ClawfileError",
        "ClawfileNotFoundError",
        "CommandFailedError",
        "ComposeFailedError",
        "ComposeNotFoundError",
        "ContainerNotFoundError",
        "DriverConflictError",
        "DriverError",
        "DriverLoadError",
        "EngineDisconnectedError",
        "EngineError",
        "EngineUnavailableError",
        "ImageNotFoundError",
        "ImagePullError",
        "InvalidValueError",
        "LeftoverContainersError",
        "NoPreviousGenerationError",
        "NotAppliedError",
        "OutputWriteError",
        "PodError",
        "PodNotFoundError",
        "PodProblem",
        "Problem",
        "UnknownDriverError",
        "UnreadableFileError",
        "UnsafePathError",
    ],
    "clawlib.generated": [
        "COMPOSE_FILE",
        "PREVIOUS_DIR",
        "RUNTIME_DIR",
        "DiskEntry",
        "NewFile",
        "check_generated_path",
        "has_previous",
        "is_runtime_path",
        "list_tree",
        "open_dir",
        "read_entry",
        "restore_previous",
        "settle",
        "switch",
    ],
    "clawlib.labels": [
        "CLAW_ORDINAL",
        "CLAW_POD",
        "CLAW_SERVICE",
        "CLAW_TYPE",
        "COMPOSE_CONFIG_HASH",
        "COMPOSE_NUMBER",
        "COMPOSE_PROJECT",
        "COMPOSE_SERVICE",
    ],
    "clawlib.lifecycle": [
        "COMPOSE_FILE",
        "PREVIOUS_DIR",
        "ApplyReport",
        "Change",
        "ContainerHealth",
        "LiveContainers",
        "PodTarget",
        "Progress",
        "ServiceOutcome",
        "apply",
        "bring_down",
        "check_project_name",
        "has_previous",
        "locate",
        "probe_health",
        "roll_back",
        "run_concurrently",
    ],
    "clawlib.limits": [
        "MAX_COUNT",
        "MAX_INPUT_BYTES",
        "MAX_PERSONA_BYTES",
        "MAX_PERSONA_FILES",
        "MAX_POD_FILE_BYTES",
        "MAX_YAML_DEPTH",
        "MAX_YAML_NODES",
    ],
    "clawlib.planner": [
        "COMPOSE_FILE",
        "FileChange",
        "FileExtractor",
        "ImageBuild",
        "Plan",
        "PlanDiff",
        "PlannedFile",
        "managed_image_name",
        "plan_pod",
    ],
    "clawlib.pod": [
        "POD_FILE",
        "Channel",
        "ChannelRouting",
        "DirectMessages",
        "Guild",
        "GuildRouting",
        "Handle",
        "Include",
        "InvokeEntry",
        "Pod",
        "PodClaw",
        "PodService",
        "ServiceClaw",
        "SurfaceEntry",
        "find_pod",
        "load_pod",
        "pod_path",
    ],
    "clawlib.runtime": [
        "PERSONA_DIR",
        "EmittedSkill",
        "ImageMetadata",
        "Invocation",
        "InvokeTarget",
        "PersonaFile",
        "Resolution",
        "ResolvedClaw",
        "ResolvedInclude",
        "ResolvedSkill",
        "ResolvedSurface",
        "channel_skill",
        "clawdapus_md",
        "env_file_text",
        "find_pod_file",
        "handle_env",
        "handle_json",
        "handle_skill",
        "pod_file",
        "read_pod_file",
        "resolve_invoke_target",
        "resolve_pod",
        "service_skill",
        "skill_markdown",
        "surface_skill_name",
        "token_variable",
    ],
    "clawlib.secrets": [
        "MASK",
        "StreamMasker",
        "holds_secret",
        "is_secret_name",
        "mask_command",
        "mask_lines",
        "mask_secrets",
        "mask_value",
        "split_command",
    ],
    "clawlib.session": [
        "Action",
        "PodSession",
        "PodStatus",
        "open_pod",
    ],
    "clawlib.yamlio": [
        "PlainScalar",
        "YamlDocument",
        "YamlPath",
        "describe",
        "dump_yaml",
        "format_path",
        "load_yaml",
    ],
}


def _public_modules() -> list[str]:
    found = pkgutil.walk_packages(clawlib.__path__, "clawlib.")
    names = [m.name for m in found if not any(p.startswith("_") for p in m.name.split("."))]
    return ["clawlib", *sorted(names)]


def test_every_public_module_is_pinned() -> None:
    assert _public_modules() == list(PUBLIC_API)


@pytest.mark.parametrize("name", list(PUBLIC_API))
def test_exports(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ == PUBLIC_API[name]
    for export in module.__all__:
        assert hasattr(module, export), export


@pytest.mark.parametrize("name", list(PUBLIC_API))
def test_no_name_is_exported_twice(name: str) -> None:
    """One name per thing: an alias (``rollback`` beside ``roll_back``) is a second name for
    the same function."""
    module = importlib.import_module(name)
    seen: dict[int, str] = {}
    for export in module.__all__:
        value = getattr(module, export)
        if isinstance(value, (str, int, float, tuple, frozenset)) or value is None:
            continue  # constants may share a value
        first = seen.setdefault(id(value), export)
        assert first == export, f"{name}: {export} is {first}"
