FROM claw-base/busybox:latest

LABEL claw.type="openclaw"
LABEL claw.persona.default="./personas/ünïcode-✓"
LABEL claw.configure.0="openclaw config set channels.discord.accounts [{\"token\":\"\${DISCORD_BOT_TOKEN}\",\"applicationId\":\"\${DISCORD_APP_ID}\"}]"
LABEL claw.configure.1="openclaw config set agents.defaults.bindings.discord.accountId \${DISCORD_APP_ID}"
LABEL claw.configure.2="openclaw config set paths.windows C:\\new\\table"
LABEL claw.configure.3="openclaw config set motto	tab-separated	words"
LABEL claw.invoke.0="15 8 * * 1-5	Pre-market synthesis for \$DESK \"desk\""
