"""Rasa input channels of the assistant (see credentials.yml).

Rasa imports this package (for the channels of credentials.yml) before it registers any
channel, so this is where the guarded Rasa patches are installed: every conversation is
kept under its channel's name, and the HTTP API accepts a Bearer token
(assistant/rasa_patches.py).
"""

from assistant import rasa_patches

rasa_patches.install()
