"""ui/admin."""
