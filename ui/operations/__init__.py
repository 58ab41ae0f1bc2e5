"""One small function per officer action (as Anki's aqt/operations): each returns an `Op` the caller runs in the background.

An operation calls the core off the GUI thread and reports back through `.success()` / `.failure()` callbacks on
the GUI thread; it never touches a widget, and the core functions it calls open the transactions and check the
officer's role. Modules import the core inside the background functions, so importing them stays light.
"""
