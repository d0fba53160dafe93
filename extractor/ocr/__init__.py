"""OCR engine behind three layers: ``exec`` (subprocess), ``tesseract`` (args + TSV), ``probe``."""
