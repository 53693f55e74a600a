"""Pure Python: what Tidings knows about watches and mentions. No AWS, no HTTP, no database."""
