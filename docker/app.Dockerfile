# The app (Flask under gunicorn) and the worker share this image.
FROM python:3.11-slim
WORKDIR /srv
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY config config
COPY ivr ivr
COPY routing routing
COPY triage triage
COPY models models
ENV PYTHONPATH=/srv PORT=8000 BIND_HOST=0.0.0.0
EXPOSE 8000
CMD ["sh", "-c", "python -m models migrate && gunicorn -c config/gunicorn.conf.py"]
