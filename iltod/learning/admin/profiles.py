"""Back office."""
