FROM claw-stub/nanoclaw:latest

LABEL claw.type="nanoclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.privilege.docker-socket="true"
