"""For Scrapyd: `scrapyd-deploy` builds the project's egg with `python setup.py bdist_egg`.

What goes in the egg (the flat layout's top-level packages and the `settings` module) and the
`scrapy` entry point that names the settings module are declared in pyproject.toml.
"""

from setuptools import setup

setup()
