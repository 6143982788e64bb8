"""The OpenAPI document describes every answer: each operation has a 2xx schema that says
more than "an object"."""

from typing import Any

from service.app import create_app
from service.settings import Settings


def says_something(schema: dict[str, Any] | None) -> bool:
    if not schema:
        return False
    if schema.get("type") == "object":
        return "properties" in schema
    return True


def test_every_operation_declares_what_it_answers() -> None:
    document = create_app(Settings().model_copy(update={"tokens": None})).openapi()
    undescribed = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = {
                code: response
                for code, response in operation["responses"].items()
                if code.startswith("2")
            }
            described = any(
                code == "204"
                or any(says_something(c.get("schema")) for c in answer.get("content", {}).values())
                for code, answer in answers.items()
            )
            if not described:
                undescribed.append(f"{method.upper()} {path}")
    assert not undescribed, undescribed
