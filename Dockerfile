# coreflect in a container: `docker compose up -d` with compose.yaml beside this file.
# The database lives in the /data volume, the key file in the separate /config volume (so a
# copy of the data alone cannot link answers to people), the token in a Docker secret.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY frameworks ./frameworks
COPY prompts ./prompts
RUN pip install . \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/coreflect coreflect \
    && mkdir -p /data /config \
    && chown coreflect:coreflect /data /config \
    && chmod 0700 /data /config

ENV COREFLECT_DATA_DIR=/data \
    COREFLECT_KEY_FILE=/config/secret.key \
    MPLCONFIGDIR=/tmp/matplotlib
VOLUME ["/data", "/config"]

USER coreflect
WORKDIR /home/coreflect

# `docker stop` sends this; the bot stops its scheduler and closes the database, exit 0.
STOPSIGNAL SIGTERM
# Healthy while the scheduler completes a pass at least every 30 minutes (2 x 15).
HEALTHCHECK --interval=5m --timeout=30s --start-period=2m --retries=2 CMD ["coreflect", "health"]

CMD ["coreflect", "run"]
