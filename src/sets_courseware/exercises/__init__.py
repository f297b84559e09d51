"""Practical exercises of the modules: data loading, computation, checkers with feedback, charts."""
