"""The officers' and admins' web UI: a Flask blueprint under /admin, and appeals."""

from admin_ui import (  # noqa: F401 - each registers its routes on bp
    dashboard,
    decisions,
    people,
    policy,
    review,
)
from admin_ui.appeals import bp as appeals_bp
from admin_ui.views import bp

__all__ = ["appeals_bp", "bp"]
