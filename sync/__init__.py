"""Sync engine with the central portal (no Qt). Outbox states live in kiosk.models for now."""
