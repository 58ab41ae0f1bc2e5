"""The Qt drawing of everything printed (QPainter): one function per document for printer, preview and PDF."""
