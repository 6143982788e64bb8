"""What Neo4j's refusals become for the caller (service/store.py: neo4j_error)."""

from __future__ import annotations

import pytest
from neo4j.exceptions import Neo4jError

from service.errors import BadRequest, QueryTimeout, Unavailable
from service.store import neo4j_error


def refusal(code: str) -> Neo4jError:
    # As the driver builds it from Neo4j's FAILURE message (it renames the codes of a
    # terminated transaction to client errors).
    return Neo4jError._hydrate_neo4j(code=code, message="The transaction has been terminated.")


@pytest.mark.parametrize(
    "code",
    [
        "Neo.TransientError.Transaction.Terminated",
        "Neo.TransientError.Transaction.LockClientStopped",
    ],
)
def test_a_transaction_terminated_at_its_timeout_is_a_timeout_else_unavailable(code: str) -> None:
    at_timeout = neo4j_error(refusal(code), "write", timeout=0.5, elapsed=0.6)
    assert isinstance(at_timeout, QueryTimeout) and "rolled back" in at_timeout.detail
    early = neo4j_error(refusal(code), "read", timeout=30.0, elapsed=0.1)
    assert isinstance(early, Unavailable)


def test_other_client_errors_stay_bad_requests() -> None:
    error = neo4j_error(refusal("Neo.ClientError.Statement.SyntaxError"), "read", 30.0, 0.1)
    assert isinstance(error, BadRequest)
