"""The pod view's detail tabs: what a tab's pane implements, and how a tab is declared.

A tab is a :class:`DetailTab` in :data:`clawtui.screens.main.DETAIL_TABS` (its key, label and
the factory of its pane) and a :class:`DetailPane` subclass in its own module: adding a tab
touches nothing else. The pod view tells the pane about the selected node through
:meth:`DetailPane.show_selection`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.widget import Widget

if TYPE_CHECKING:
    from ..backend import PodBackend
    from ..state import PodState, Selection

__all__ = ["DetailPane", "DetailTab"]


class DetailPane(Widget):
    """A pane of the detail area, about the node selected in the tree.

    The pod view calls :meth:`show_selection` for the visible pane when the selection changes,
    when the state changes (a new plan, containers changed, a round of health probes) and when
    its tab is brought up; a hidden pane is not told and must not depend on being told. A call
    may repeat what the pane already shows: a pane that does costly work for it (reading the
    engine, rendering files) keeps what it showed and skips an unchanged call.
    """

    FOLLOWS: ClassVar[bool] = False
    """True for a pane that follows a stream of the selection (the logs) rather than showing a
    view of the state: it is told of every new selection and every change of its containers or
    the engine, visible or not, and is not told of other changes."""

    def show_selection(self, selection: Selection, state: PodState) -> None:
        """Show ``selection`` as ``state`` has it."""
        raise NotImplementedError


@dataclass(frozen=True)
class DetailTab:
    """One tab of the detail area: the key ``N`` picks the Nth declared tab."""

    id: str
    """The tab's id (``tab('<id>')`` action, ``main.tab.<id>`` binding)."""
    label: str
    make: Callable[[PodBackend], DetailPane]
    """Makes the pane, given the backend for a pane that reads the engine itself."""
