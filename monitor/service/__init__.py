"""monitor.service."""
