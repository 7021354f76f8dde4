FROM claw-base/busybox:latest
WORKDIR /app

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
