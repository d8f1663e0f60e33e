"""Layouts, fonts, strings, artwork, inks and contrast: how a document looks, read from layouts/ and fonts/."""
