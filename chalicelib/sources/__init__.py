"""Pull-source connectors: one module per platform, the shared HTTP client in `base`, and the
one list of connector kinds in `registry`."""
