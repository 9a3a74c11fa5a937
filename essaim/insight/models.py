"""Models of the insight capability."""
