FROM claw-stub/openclaw:latest

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.model.primary="anthropic/claude-sonnet-4"
LABEL claw.surface.0="volume://notes read-only"
LABEL claw.invoke.0="*/30 * * * *	Summarise new notes"
