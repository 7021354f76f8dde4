# syntax=docker/dockerfile:1.7
FROM claw-base/busybox:latest
RUN <<EOF
set -e
echo "CLAW_TYPE in a heredoc is just text"
EOF
COPY <<-"CONF" <<'MOTD' /etc/app/
	key = value
	CONF
welcome
MOTD
RUN --mount=type=cache,target=/root/.cache \
    echo cached

LABEL claw.type="generic"
