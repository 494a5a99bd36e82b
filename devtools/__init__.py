"""Development stand-ins for the outside world: the Twilio emulator and the mail server.

They talk to the app only over the network, as Twilio and a mail server do, and never import it
(an import-linter contract in pyproject.toml).
"""
