"""The scaled-out assistant: nginx, two Rasa replicas, PostgreSQL and Redis."""
