"""Named permission rules of the privacy app (django-rules). A person acts on their own data only."""

from __future__ import annotations

import rules

rules.add_perm("privacy.manage_own_data", rules.is_authenticated & rules.is_active)
