"""Talking to collectors: diagnostics console, flash images, provisioning."""
