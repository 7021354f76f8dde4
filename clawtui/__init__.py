"""clawtui: the terminal UI (``clawtui``) and the command line (``claw``) over clawlib.

Importing this package loads neither Textual nor clawlib's engine; the TUI lives in
:mod:`clawtui.app` and the command line in :mod:`clawtui.cli`.

How the TUI is put together:

- What the pod view knows is a value, :class:`clawtui.state.PodState`, replaced on each change;
  the selected tree node is a :class:`clawtui.state.Selection`. Neither imports Textual, nor
  does :mod:`clawtui.watch`, which follows the engine's events for the view.
- Everything that may block (the engine, the disk, planning) runs in a thread worker, whose
  result comes back to the UI thread as a message.
- A message is a class nested in the screen or widget that posts it, named in the past tense
  for what happened (``MainScreen.Planned``, ``LogPane.FollowFailed``,
  ``InspectPane.Inspected``); its handler is ``on_<poster>_<message>``, as Textual names it
  (``on_log_pane_follow_failed``). A worker posts to the node that started it, and a message
  meant only for that node does not bubble (``bubble=False``).
- The pod view's detail tabs are declared in :data:`clawtui.screens.main.DETAIL_TABS`, each a
  :class:`clawtui.widgets.detail_pane.DetailPane` in its own module.
"""
