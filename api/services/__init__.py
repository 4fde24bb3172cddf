"""Writes of the client API that belong to no app: client apps and reading markers."""
