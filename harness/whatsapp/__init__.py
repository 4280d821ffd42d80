"""WhatsApp without Meta: signed webhook payloads (meta.py), a local Graph API that records
what the channels send (fake_graph.py), and simulated patients (load.py)."""
