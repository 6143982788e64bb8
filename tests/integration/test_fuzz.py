"""Schemathesis against the app's own OpenAPI document: whatever a client sends, the
answer is never a 5xx (SPEC §7: a 500 is always a bug). Bounded to stay within CI's time:
a few dozen generated requests per operation, sent over HTTP to the served app."""

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from service.app import create_app
from service.settings import Settings
from tests.conftest import ServedApp

EXAMPLES_PER_OPERATION = 25

# The document comes from the app object (the same one /openapi.json serves), so the cases
# are known when pytest collects; the requests go to the app served for the session.
# (schemathesis' from_fixture loader does not run under pytest 9.)
schema = schemathesis.openapi.from_dict(
    create_app(Settings().model_copy(update={"tokens": None, "tokens_file": None})).openapi()
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same cases every run: a failure here is reproducible
)
def test_no_request_gets_a_server_error(
    case: schemathesis.Case[Any], served_app: ServedApp, clean_graph: None
) -> None:
    case.call_and_validate(base_url=served_app.url, checks=[not_a_server_error], timeout=30)
