"""Pages of onboarding, one module per family: `signup`, `joining` (claims and join requests after sign-up)
and `console` (the facilitators' console)."""
