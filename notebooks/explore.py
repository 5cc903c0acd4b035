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
# Interaktiv in JupyterLab (nicht Teil von `intmon run`). Gezeigt werden die veröffentlichten Werte nach Geheimhaltung. Zuerst `intmon run` oder `intmon demo-data` ausführen.

# %% tags=["parameters"]
data_dir = "../data"
parameter_dir = "../parameters"

# %%
from intmon_utils.explore import explore

explore(data_dir, parameter_dir)
