# The assistant and its action server (Rasa 3.6 needs Python 3.10 and its own dependencies).
# Build from the repository root: docker build -f docker/rasa.Dockerfile -t careers-triage-rasa .
FROM python:3.10-slim
WORKDIR /srv
COPY bot/requirements.txt bot/requirements.txt
RUN pip install --no-cache-dir -r bot/requirements.txt \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /srv careers
COPY triage triage
# The tracker store (bot/tracker_store.py) redacts with the app's standard-library rules and word list.
COPY models models
COPY bot bot
ENV PYTHONPATH=/srv RASA_TELEMETRY_ENABLED=false HOME=/tmp
WORKDIR /srv/bot
# The model is trained into the image, so every replica serves exactly the same assistant.
RUN rasa train --fixed-model-name assistant && rm -rf .rasa
USER 10001
EXPOSE 5005 5055
# The image runs the assistant (5005, listening once its model is loaded) or its actions (5055).
HEALTHCHECK --interval=10s --timeout=3s CMD ["python", "-c", "import socket, sys; sys.exit(0 if any(socket.socket().connect_ex(('127.0.0.1', p)) == 0 for p in (5005, 5055)) else 1)"]
CMD ["rasa", "run", "--enable-api", "--port", "5005", "--model", "models/assistant.tar.gz", \
     "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
