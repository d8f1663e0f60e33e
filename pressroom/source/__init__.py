"""Reading and validating content: YAML sources, field tables, the model, text and templates, jargon, reading level."""
