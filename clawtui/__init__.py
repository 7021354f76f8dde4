"""clawtui: the terminal UI (``clawtui``) and the command line (``claw``) over clawlib.

Importing this package loads neither Textual nor clawlib's engine; the TUI lives in
:mod:`clawtui.app` and the command line in :mod:`clawtui.cli`.
"""
