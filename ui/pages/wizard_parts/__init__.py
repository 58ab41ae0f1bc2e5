"""Parts of the wizard page kept out of ui/pages/wizard.py: its keys, the declaration check box, the review's jumps."""
