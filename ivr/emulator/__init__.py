"""An emulator of the part of Twilio the product uses: REST API, call legs, queues, webhooks.

Development and tests only; the app never imports it (it reaches Twilio, or this, through
`ivr.voice.twilio_rest` and the `TWILIO_API_BASE_URL` setting). Run it with
`python -m ivr.emulator --app-url URL`; see ivr/emulator/README.md for what it emulates.
"""
