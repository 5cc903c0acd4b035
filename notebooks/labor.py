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

# %% tags=["parameters"]
# Parameters: injected by `intmon run` (papermill) for each municipality.
# Defaults let the notebook run on the demo data when opened in JupyterLab.
area_id = "99101000"
topic = "labor"
parameter_file = "parameters/99101000.yml"
data_dir = "data"
output_dir = "outputs/2024/99101000"
project_dir = ".."

# %%
# Arbeitsmarkt: notebooks present, intmon_utils computes (no calculations here).
from intmon_utils.report import open_report

report = open_report(area_id, parameter_file, topic, data_dir, output_dir, project_dir)
report.header()

# %%
report.key_figures()

# %%
report.time_series()

# %%
report.by_sex(
    ["labor.svb_employment_rate", "labor.unemployment_rate", "labor.unemployment_density"]
)

# %%
report.relation("demography.foreign_share", "labor.sgb2_rate")

# %%
report.age_standardised("labor.unemployment_density")

# %%
report.comparison()

# %%
report.subdistricts()

# %%
report.goals()

# %%
report.commentary()

# %%
report.availability()

# %%
report.methods()
