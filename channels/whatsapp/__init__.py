"""WhatsApp channels: the WhatsApp Cloud API (`cloud`) and Twilio's WhatsApp (`twilio_channel`).

Both answer the webhook at once, run the Rasa turn in the background, drop repeated
deliveries, and send each turn's replies in WhatsApp's own formats (see docs/whatsapp.md).
"""
