"""monitor.checks.mobile.check."""
