"""monitor.discover.run."""
