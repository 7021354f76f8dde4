# syntax=docker/dockerfile:1
FROM node:22-slim AS deps
RUN npm ci
FROM openclaw:latest
COPY --from=deps /app/node_modules /app/node_modules
RUN apt-get update && \
    apt-get install -y jq

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.cllama.0="passthrough"
LABEL claw.persona.default="./personas/analyst"
LABEL claw.model.fallback="openrouter/openai/gpt-4o-mini"
LABEL claw.model.primary="anthropic/claude-sonnet-4"
LABEL claw.handle.slack="true"
LABEL claw.handle.discord="true"
LABEL claw.surface.0="volume://research read-only"
LABEL claw.surface.1="service://market-api"
LABEL claw.privilege.docker-socket="true"
LABEL claw.privilege.runtime="node"
LABEL claw.track.0="apt"
LABEL claw.track.1="npm"
LABEL claw.skill.0="./skills/risk.md"
LABEL claw.configure.0="openclaw config set agents.defaults.heartbeat.every 1h"
LABEL claw.invoke.0="*/15 9-16 * * 1-5	Check open positions"
