FROM claw-base/busybox:latest
WORKDIR /app

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.fallback="openrouter/openai/gpt-4o-mini"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.handle.discord="true"
LABEL claw.configure.0="openclaw config set agents.defaults.heartbeat.every 30m"
LABEL claw.configure.1="openclaw config set channels.discord.historyLimit 50"
LABEL claw.invoke.0="*/30 9-16 * * 1-5	Check open positions against the risk limits"
