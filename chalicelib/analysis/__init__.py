"""Language and sentiment: small, offline and fast."""
