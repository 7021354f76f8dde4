FROM claw-stub/nanobot:latest

LABEL claw.type="nanobot"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
