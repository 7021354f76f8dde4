FROM claw-stub/openclaw:latest

LABEL claw.type="openclaw"
LABEL claw.agent.file="AGENTS.md"
LABEL claw.cllama.0="passthrough"
LABEL claw.model.primary="google/gemini-2.5-flash"
