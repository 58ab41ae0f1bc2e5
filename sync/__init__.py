"""Sync engine with the central portal (no Qt). Outbox states live in kiosk.storage.models for now."""
