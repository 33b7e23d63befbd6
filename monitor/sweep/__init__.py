"""monitor.sweep.sweeper."""
