"""The local image store, each image looked up once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from clawlib.errors import ImageNotFoundError

from ._docker import DockerView, ImageRecord

__all__ = ["LocalImages"]


class LocalImages:
    """Images of the local store through ``view``, each asked for once: a plan reads an image's
    labels, the IDs of its base images, and, for a governed claw, its environment."""

    def __init__(self, view: DockerView) -> None:
        self.view = view
        self._found: dict[str, ImageRecord | None] = {}

    def get(self, ref: str) -> ImageRecord | None:
        """The image ``ref``, None when the store does not have it (an unreachable engine raises
        :class:`~clawlib.errors.EngineUnavailableError`)."""
        if ref not in self._found:
            try:
                self._found[ref] = self.view.image(ref)
            except ImageNotFoundError:
                self._found[ref] = None
        return self._found[ref]

    def labels(self, ref: str) -> Mapping[str, str] | None:
        image = self.get(ref)
        return image.labels if image is not None else None

    def id(self, ref: str) -> str | None:
        image = self.get(ref)
        return image.id if image is not None else None

    def env(self, ref: str) -> Sequence[str] | None:
        image = self.get(ref)
        return image.env if image is not None else None
