"""Renderers: model + resolved layout -> PDF bytes (ReportLab)."""
