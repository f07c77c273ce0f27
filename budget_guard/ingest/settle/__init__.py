"""Decisions across the tables of a run: which table measures which money, and the relations they print."""
