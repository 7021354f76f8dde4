FROM claw-stub/openclaw:latest

LABEL claw.type="generic"
LABEL claw.agent.file="AGENTS.md"
