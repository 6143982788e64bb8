"""Who is calling. Until tokens are configured the service runs open and every caller is
`anonymous`; the name becomes a record's `created_by` / FAIR-DP `updated_by`."""

from typing import Annotated

from fastapi import Depends

ANONYMOUS = "anonymous"


def caller_name() -> str:
    return ANONYMOUS


CallerDep = Annotated[str, Depends(caller_name)]
