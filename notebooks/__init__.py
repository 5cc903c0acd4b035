"""The topic notebooks, shipped inside intmon as ``intmon_utils.notebooks`` (see
docs/workspace.md). This file only makes the folder a package for the installer."""
