"""Reading a chip ID card's QR into the wizard: the ways in (keyboard burst, serial port, webcam, image file), the chooser, the marks (docs/id-card.md)."""
