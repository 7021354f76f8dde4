FROM claw-stub/microclaw:latest

LABEL claw.type="microclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
