"""monitor.targets.loader."""
