"""monitor.checks.content.check."""
