FROM claw-stub/nullclaw:latest

LABEL claw.type="nullclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
