"""Rasa input channels of the assistant (see credentials.yml)."""
