"""The soak and fault run (`make soak`, `python -m bench.soak`): thousands of mentions through
the local stack, delivered two to three times, while sources and Slack misbehave and workers are
killed; then a count, from what a user sees, of what was stored, counted and alerted."""
