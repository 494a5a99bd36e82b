"""The one customer path every channel shares: what happens between a decision and the records.

Channels only hear (turn input into the engine's input) and speak (render its outcome). What is
here exists once: who hands over to a person, when a promised callback is due, and the summary a
record keeps. It imports routing, triage, models and config, never a channel or the console.
"""
