"""Intake channels other than the web form: SMS (sms.py), KoBoToolbox/ODK (kobo.py, xlsform.py),
with what they share in inbound.py. See docs/channels.md."""
