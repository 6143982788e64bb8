"""OpenLineage in: run, dataset and job events as PROV, and Marquez-shaped reads."""
