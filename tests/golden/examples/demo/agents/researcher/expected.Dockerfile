FROM claw-base/busybox:latest
WORKDIR /app

LABEL claw.type="generic"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="anthropic/claude-sonnet-4"
LABEL claw.surface.0="volume://notes read-only"
LABEL claw.invoke.0="*/30 * * * *	Summarise new notes"
