"""The counter's books, read from the dossiers and counter events: the logbook (form 07), the period report, their XLSX."""
