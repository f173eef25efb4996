"""The book's build and check tools, run from the repository root as ``python -m tools.<name>``."""
