"""The lineage explorer at `/ui/`: static files served as they are, no build step.

The page is open like `/docs` (it holds no data); every call it makes goes to the API with
the token the person entered, so the API's own 401/403 apply.
"""

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(str(resources.files(__package__) / "static"))


def mount(app: FastAPI) -> None:
    # `/ui` without the slash is redirected to `/ui/` by the router (redirect_slashes).
    app.mount("/ui", StaticFiles(directory=STATIC, html=True), name="ui")
