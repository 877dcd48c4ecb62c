FROM python:3.11-slim-bookworm

# Pango for WeasyPrint's PDF rendering. The report's fonts ship in static/.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=civic.settings.production CIVIC_VAR_DIR=/var/civic
WORKDIR /app
COPY pyproject.toml README.md ./
COPY civic civic
COPY partnerships partnerships
COPY outcomes outcomes
COPY kpis kpis
COPY wellbeing wellbeing
COPY reports reports
COPY exchange exchange
COPY jobs jobs
COPY demo demo
RUN pip install --no-cache-dir .
COPY . .
# The translation catalogues compiled (.mo files are built, not committed).
RUN python scripts/compile-messages.py --force
RUN DJANGO_SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build CIVIC_ADMIN_PATH=build \
    python manage.py collectstatic --no-input -v 0
RUN useradd --system --home /app civic \
    && mkdir -p /var/civic/media /var/civic/reports /var/civic/imports && chown -R civic /var/civic
USER civic
EXPOSE 8000
# civic.wsgi on 0.0.0.0:8000, 3 workers (WEB_CONCURRENCY), the access log on
# stdout, the application preloaded and frozen before the workers fork.
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
