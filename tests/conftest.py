"""Shared test set-up: notebooks under nbval run in the book's notebook environment."""

import os

from notebook_env import NOTEBOOK_ENV

# nbval starts each kernel from this process, so the kernel inherits these.
os.environ.update(NOTEBOOK_ENV)
