"""Models of the events capability."""
