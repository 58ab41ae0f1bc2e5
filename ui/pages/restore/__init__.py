"""The restore screen (docs/restore.md): its own folder, ui/pages holds 20 modules at most."""
