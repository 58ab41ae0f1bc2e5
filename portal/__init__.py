"""Reference central portal (issue 3)."""
