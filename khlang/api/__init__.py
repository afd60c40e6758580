"""The HTTP API and web site, served by FastAPI."""
