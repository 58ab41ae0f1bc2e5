"""The counter's result side: the hand-back dialog and the citizen's rating page (docs/counter-screens.md)."""
