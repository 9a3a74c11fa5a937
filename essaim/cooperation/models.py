"""Models of the cooperation capability."""
