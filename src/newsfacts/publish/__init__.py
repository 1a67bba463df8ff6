"""Writers for the published formats and the atomic release."""
