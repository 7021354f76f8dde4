FROM claw-stub/picoclaw:latest

LABEL claw.type="picoclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
