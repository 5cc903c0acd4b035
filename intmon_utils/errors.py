"""Exceptions whose messages tell the user what to do."""


class IntmonError(Exception):
    """Base class: every error intmon raises on purpose derives from it.

    The CLI prints the message (no traceback) and exits with status 2.
    """


class ParameterError(IntmonError):
    """A parameter file has a missing, unknown or malformed key."""

    def __init__(self, path, key, problem, hint=""):
        self.path, self.key = str(path), key
        msg = f"{path}: key '{key}': {problem}"
        if hint:
            msg += f" -> {hint}"
        super().__init__(msg)


class CatalogueError(IntmonError):
    """The indicator catalogue is inconsistent with the vocabulary or itself."""


class DataError(IntmonError):
    """Observation data are missing or malformed."""


class VocabularyError(DataError):
    """A variable, group, sex or age band is not in the controlled vocabulary."""
