FROM claw-base/busybox:latest
WORKDIR /app

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="anthropic/claude-sonnet-4"
LABEL claw.configure.0="openclaw config set agents.defaults.heartbeat.every 1h"
LABEL claw.invoke.0="0 8 * * *	Send the morning digest."
