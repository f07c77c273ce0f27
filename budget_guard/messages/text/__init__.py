"""The label and message catalogues, one module per user-facing area (merged by ``messages``)."""
