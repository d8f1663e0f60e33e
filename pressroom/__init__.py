"""pressroom: clinical content (YAML) + layouts (YAML) + fonts -> print-ready PDFs."""

__version__ = "0.1.0"
