# syntax=docker/dockerfile:1
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so that editing content or code does not reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
RUN pip install ".[discord,slack,postgres]" && pip uninstall -y lectern

COPY bot ./bot
RUN pip install --no-deps .

COPY content ./content
COPY quizzes ./quizzes
COPY schema ./schema

RUN useradd --create-home --uid 10001 lectern && mkdir -p /app/data && chown lectern /app/data
USER lectern
# matplotlib's font cache, built once here rather than at the first report chart.
RUN python -c "import matplotlib.font_manager"
# The embedded SQLite database (LECTERN_DATABASE_URL's default) lives here: mount a volume.
VOLUME ["/app/data"]

ENV LECTERN_CONTENT_DIR=/app/content \
    LECTERN_QUIZ_DIR=/app/quizzes \
    LECTERN_ADAPTERS=discord

HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["lectern", "health"]

CMD ["lectern", "run"]
