"""Views of the console, one module per area; each is wrapped in roles.role_required."""
