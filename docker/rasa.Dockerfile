# The assistant and its action server (Rasa 3.6 needs Python 3.10 and its own dependencies).
FROM python:3.10-slim
WORKDIR /srv
COPY bot/requirements.txt bot/requirements.txt
RUN pip install --no-cache-dir -r bot/requirements.txt
COPY triage triage
# The tracker store (bot/tracker_store.py) redacts with the app's standard-library rules and word list.
COPY models models
COPY bot bot
ENV PYTHONPATH=/srv
WORKDIR /srv/bot
RUN rasa train --fixed-model-name assistant
CMD ["rasa", "run", "--enable-api", "--port", "5005", "--model", "models/assistant.tar.gz", \
     "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
