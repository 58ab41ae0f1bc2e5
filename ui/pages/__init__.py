"""The pages and dialogs of the officer's window: widgets only; their background work goes through ui.operations."""
