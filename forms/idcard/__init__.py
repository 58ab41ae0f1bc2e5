"""What the citizen's chip ID card gives the counter: its QR payload read into a checked person (`payload`), and
its printed pre-2025 address mapped to the 2025 commune and province (`address`). Pre-fill only: the QR is not
signed and the officer checks the card (docs/id-card.md, docs/address-mapping.md)."""
