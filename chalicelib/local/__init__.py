"""Running Tidings on a laptop: real local services, no AWS account."""
