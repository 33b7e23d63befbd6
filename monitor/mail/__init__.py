"""monitor.mail."""
