"""Writing outputs safely: escaping for each medium (escape.py) and atomic files."""
