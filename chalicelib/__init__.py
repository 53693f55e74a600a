"""Tidings: social listening that runs in the company's own AWS account."""
