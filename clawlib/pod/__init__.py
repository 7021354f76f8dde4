"""Pod files: claw-pod.yml loaded the way compose reads it, with its x-claw blocks validated and
the compose keys claw reads or extends checked against compose's types."""

from ._loader import POD_FILE, Pod, PodService, find_pod, load_pod, pod_path
from ._models import (
    Channel,
    ChannelRouting,
    DirectMessages,
    Guild,
    GuildRouting,
    Handle,
    Include,
    InvokeEntry,
    PodClaw,
    ServiceClaw,
    SurfaceEntry,
)

__all__ = [
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
]
