"""The toolkit's version, in the lowest floor so that every module can stamp it without importing
the package's public facade (:mod:`newsgold`), which imports them."""
__version__ = "0.3.0"
