FROM node:24-bookworm-slim
RUN apt-get update && apt-get install -y bash ca-certificates cron curl git jq tini
RUN npm install -g openclaw@2026.2.9
WORKDIR /workspace

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"
LABEL claw.surface.0="channel://discord"
LABEL claw.surface.1="service://fleet-master"
LABEL claw.privilege.runtime="claw-user"
LABEL claw.privilege.worker="root"
LABEL claw.track.0="apt"
LABEL claw.track.1="pip"
LABEL claw.track.2="npm"
LABEL claw.skill.0="./skills/custom-workflow.md"
LABEL claw.skill.1="./skills/team-conventions.md"
LABEL claw.configure.0="openclaw config set agents.defaults.heartbeat.every 30m"
LABEL claw.configure.1="openclaw config set agents.defaults.heartbeat.target none"
LABEL claw.invoke.0="0,30 * * * *	heartbeat"
