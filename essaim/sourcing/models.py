"""Models of the sourcing capability."""
