"""The kiosk's clock floor: the latest time it can trust, so a PC whose clock battery died cannot date dossiers years back (docs/clock.md)."""
