"""Tools of the working group of the two offices: the workspace check (``intmon check``) and
the commentary templates (``intmon new-commentary``); the release of reports is
:mod:`intmon_utils.release`, their provenance :mod:`intmon_utils.provenance`."""
