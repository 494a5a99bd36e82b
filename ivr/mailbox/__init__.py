"""The national email channel: enquiries read from a mailbox over IMAP, replies sent over SMTP.

Thin over the shared engine like every channel: the words are screened for safeguarding, the
assistant's NLU (Rasa's parse endpoint) reads the facts, triage decides with channel `email`, and
the enquiry waits in its written queue (ivr/forms/enquiry.py, routing/written.py).
"""
