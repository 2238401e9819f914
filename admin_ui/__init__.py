"""The officers' and admins' web UI, a Flask blueprint under /admin."""

from admin_ui.views import bp

__all__ = ["bp"]
