FROM claw-base/busybox:latest
WORKDIR /app

LABEL claw.type="openclaw"
LABEL claw.model.primary="anthropic/claude-sonnet-4"
