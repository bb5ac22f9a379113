"""码上监督: the supervision platform's monthly export turned into a public static site.

The pipeline reads left to right, one module per stage:
readers → validate → model/archive → render → codes → writer → site (mkdocs).
"""
