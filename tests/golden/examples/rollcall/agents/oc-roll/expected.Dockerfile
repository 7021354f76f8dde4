FROM claw-stub/openclaw:latest

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
