"""Chalice blueprints: parse the event, call the domain, map the result. No logic of their own."""
