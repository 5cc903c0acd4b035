"""The demo Land's parameter files, shipped inside intmon as ``intmon_utils.demo_parameters``
(``intmon init --demo``, docs/workspace.md). This file only makes the folder a package for the
installer."""
