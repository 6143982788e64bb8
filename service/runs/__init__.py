"""Native `/runs`: model runs and code runs in one listing."""
