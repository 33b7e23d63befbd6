"""monitor.demo.run."""
