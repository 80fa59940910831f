# TĐKT Flow: one image for web (gunicorn), worker and beat (tdkt worker / tdkt beat).
# Built from the registries the project uses: the python image and PyPI. Vendored browser
# assets, translations and workflows are in the repository, so no build step is needed.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 \
    TDKT_DATA_DIR=/var/lib/tdkt TDKT_DEMO=false
WORKDIR /app
COPY pyproject.toml README.md ./
COPY engine engine
COPY web web
COPY tasks tasks
COPY workflows workflows
# Editable: TDKT_WORKFLOWS_DIR defaults to /app/workflows, next to the packages.
RUN pip install -e . \
    && useradd --system --home /var/lib/tdkt --create-home tdkt
USER tdkt
EXPOSE 8000
CMD ["gunicorn", "--config", "python:web.gunicorn_conf", "web.wsgi:app"]
