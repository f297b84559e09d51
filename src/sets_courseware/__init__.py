"""SETS courseware: catalog, question banks, widgets, grading and adaptive path for the SETS programme."""

__version__ = "0.1.0"
