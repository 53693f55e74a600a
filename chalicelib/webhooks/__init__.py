"""Push platforms: verify the request, answer handshakes, parse bodies into Mentions."""
