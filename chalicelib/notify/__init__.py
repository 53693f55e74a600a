"""Alerts: render a new mention for people, and deliver it to Slack, email or a console."""
