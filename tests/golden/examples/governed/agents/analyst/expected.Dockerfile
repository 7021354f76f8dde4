FROM claw-stub/openclaw:latest

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.cllama.0="passthrough"
LABEL claw.model.fallback="anthropic/claude-haiku-4-5"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
