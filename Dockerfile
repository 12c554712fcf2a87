# The seizurewatch worker image. Built by docker-compose.yml; not built in CI (no Docker engine).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The package (with its sample data and dashboard page); deploy/ last: it holds only configuration.
# Extras: [parquet] for the parquet exports; not [local] (the embedded broker: the stack runs
# a real Kafka) and not [dev] (test tools).
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
RUN pip install ".[parquet]" && useradd --system --uid 10001 --home /app seizurewatch \
    && mkdir -p /var/lib/seizurewatch && chown seizurewatch /var/lib/seizurewatch

# the alert rules the compose file points SEIZUREWATCH_THRESHOLDS_FILE at
COPY deploy/thresholds.example.yaml ./deploy/thresholds.example.yaml

USER seizurewatch
ENV SEIZUREWATCH_WEB_HOST=0.0.0.0 \
    SEIZUREWATCH_WEB_PORT=6066 \
    SEIZUREWATCH_DATA_DIR=/var/lib/seizurewatch
EXPOSE 6066

CMD ["seizurewatch", "worker"]
