FROM claw-stub/openclaw:latest

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.fallback="openrouter/openai/gpt-4o-mini"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
LABEL claw.surface.0="volume://notes read-write"
LABEL claw.configure.0="openclaw config set agents.defaults.heartbeat.every 30m"
LABEL claw.invoke.0="0 9 * * 1-5	Post the morning briefing"
