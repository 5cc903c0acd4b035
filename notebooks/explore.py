# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Indikatoren erkunden
#
# Interaktiv in JupyterLab (nicht Teil von `intmon run`). Gezeigt werden die veröffentlichten Werte nach Geheimhaltung. Zuerst `intmon run` oder `intmon demo-data` ausführen. `intmon lab` öffnet dieses Notebook im Arbeitsbereich; es findet seinen Arbeitsbereich, wo auch immer JupyterLab gestartet wurde.

# %% tags=["parameters"]
# The workspace; None: the one `intmon lab` serves ($INTMON_PROJECT), else the nearest
# folder with parameters/ from the notebook's own folder upwards.
project = None

# %%
from intmon_utils.explore import explore
from intmon_utils.lab import find_workspace

workspace = find_workspace(project)
explore(workspace / "data", workspace / "parameters")
