"""monitor.checks.freshness.check."""
