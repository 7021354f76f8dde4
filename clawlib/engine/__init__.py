"""The engine edge: the only code that runs a process or opens a socket.

``docker compose`` and ``docker build`` run as commands (:class:`ProcessRunner`); the engine is
read through the Docker SDK (:class:`DockerView`), including the followed logs
(:class:`LogStream`) and container events (:class:`EventStream`). Nothing here imports the
pipeline.
"""

from ._build import Builder, detect_builder, docker_build
from ._compose import ComposeCommand, ComposeProject, blamed_services, find_compose
from ._containers import ContainerRecord, ExecResult, parse_engine_time
from ._docker import DockerView, EngineInfo, ImageRecord, engine_host
from ._events import EngineEvent, EventKind, EventStream
from ._extract import extract_image_file
from ._frames import LogEnded, LogExited, LogItem, LogLine, LogRestarted, LogSource
from ._http import RawBody
from ._images import LocalImages
from ._logs import LogStream
from ._process import CommandResult, ProcessRunner, SubprocessRunner
from ._wording import describe_state, format_duration, state_word

__all__ = [
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
    "LocalImages",
    "LogEnded",
    "LogExited",
    "LogItem",
    "LogLine",
    "LogRestarted",
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
]
