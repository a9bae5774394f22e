# One image for web, worker and beat (docker-compose.yml picks the command).
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
# PYTHONPATH: the copied tree (next to templates/, locale/, static/) must win over the installed copy, whatever the entry point.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    VAR_DIR=/app/var \
    DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app
WORKDIR /app
COPY pyproject.toml ./
COPY cadres ./cadres
COPY community_services ./community_services
COPY config ./config
COPY core ./core
COPY deliberation ./deliberation
COPY demo ./demo
COPY duties ./duties
COPY governance ./governance
COPY grids ./grids
COPY households ./households
COPY notifications ./notifications
COPY oversight ./oversight
COPY party_building ./party_building
COPY resident_requests ./resident_requests
COPY volunteers ./volunteers
COPY workbench ./workbench
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /build/node_modules ./node_modules
# Build-time steps need no secrets and no database: the development settings are enough for them.
RUN DJANGO_SETTINGS_MODULE=config.settings.dev DJANGO_DEBUG=false python manage.py compilemessages --ignore=node_modules -v0 \
    && DJANGO_SETTINGS_MODULE=config.settings.dev DJANGO_DEBUG=false python manage.py collectstatic --noinput -v0
# var/media exists in the image so that a new named volume mounted there starts owned by the app user.
RUN mkdir -p /app/var/media && chown -R app:app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
