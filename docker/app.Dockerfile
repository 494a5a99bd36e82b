# The app (Flask under gunicorn), the worker and the migrations Job share this image.
# Build from the repository root: docker build -f docker/app.Dockerfile -t careers-triage-app .
# Twilio's Voice SDK for the browser phone, installed exactly as the lock file says (no CDN at
# run time; console/phone.py serves it from PHONE_SDK_DIR).
FROM node:20-slim AS voice-sdk
WORKDIR /sdk
COPY vendor/voice-sdk/package.json vendor/voice-sdk/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim
WORKDIR /srv
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /srv careers
# Everything of ours but the assistant, tests and local state (.dockerignore).
COPY --chown=root:root . .
COPY --from=voice-sdk --chown=root:root /sdk/node_modules/@twilio/voice-sdk/dist/twilio.min.js /srv/vendor/voice-sdk/dist/
# Loopback is for development: in a container the app listens on every address (real secrets
# are required off loopback).
ENV PHONE_SDK_DIR=/srv/vendor/voice-sdk/dist PYTHONPATH=/srv PORT=8000 BIND_HOST=0.0.0.0 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
USER 10001
EXPOSE 8000
# Migrations run apart, once per release (`python -m models migrate`: compose's migrate service,
# the Kubernetes Job), never by every replica as it starts.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py"]
HEALTHCHECK --interval=10s --timeout=3s CMD ["python", "-c", "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"]
