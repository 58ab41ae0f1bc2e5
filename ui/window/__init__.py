"""The officer's Qt window (console script `kiosk`): start-up, the page stack, status bar and navigation."""
