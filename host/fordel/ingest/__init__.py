"""Ingest: the HTTP endpoint collectors upload to, and the readings database behind it."""
