"""Code that runs inside the Rasa server: settings, red-flag screen, safety policy, NLG."""
