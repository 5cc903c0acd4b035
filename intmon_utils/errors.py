"""Exceptions whose messages tell the user what to do."""


class IntmonError(Exception):
    """Base class: every error intmon raises on purpose derives from it.

    The CLI prints the message (no traceback) and exits with status 2.
    """


class ConfigError(IntmonError):
    """A configuration file (parameters, defaults, a mapping) has a missing, unknown or
    malformed key. The message names the file and the dotted key (``None`` for a problem of
    the whole file) and says what to do."""

    def __init__(self, path, key, problem, hint=""):
        self.path, self.key, self.problem, self.hint = str(path), key, problem, hint
        msg = f"{path}: {problem}" if key is None else f"{path}: key '{key}': {problem}"
        if hint:
            msg += f" -> {hint}"
        super().__init__(msg)


class ParameterError(ConfigError):
    """A parameter file has a missing, unknown or malformed key."""


class CatalogueError(ConfigError):
    """The indicator catalogue is inconsistent with the vocabulary or itself, or an
    indicator id is not in it."""


class DataError(IntmonError):
    """Observation data are missing or malformed."""


class MappingError(ConfigError, DataError):
    """A mapping file (district table, GENESIS table) has a missing, unknown or malformed key."""


class VocabularyError(DataError):
    """A variable, group, sex or age band is not in the controlled vocabulary."""


class VocabularyFileError(ConfigError):
    """``vocabulary.yml`` has a missing, unknown or malformed key."""
