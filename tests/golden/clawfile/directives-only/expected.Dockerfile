LABEL claw.type="nanobot"
LABEL claw.model.primary="anthropic/claude-sonnet-4"
LABEL claw.handle.telegram="true"
