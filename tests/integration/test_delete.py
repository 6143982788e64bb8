"""Every record can be deleted by its owner or an admin, imported documents included
(`DELETE /records/{id}`), removing only what no other record asserts (issue 19)."""


import httpx
from neo4j import Driver

from tests.payloads import seed_code_run
from tests.stored import counts
from tests.users import as_user, register

# Shares the dataset 10378.1/input-1 with the model run `register` writes.
DOCUMENT = {
    "prefix": {"ex": "http://example.org/", "hdl": "https://hdl.handle.net/"},
    "entity": {"hdl:10378.1/input-1": {}, "ex:derived": {}},
    "wasDerivedFrom": {
        "_:d1": {"prov:generatedEntity": "ex:derived", "prov:usedEntity": "hdl:10378.1/input-1"}
    },
}


def import_document(client: httpx.Client, user: str) -> str:
    response = client.post("/prov", json=DOCUMENT, headers=as_user(user))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_owner_deletes_an_imported_document_keeping_what_others_assert(
    users: httpx.Client, db: Driver
) -> None:
    register(users, "bob")
    document = import_document(users, "alice")
    before = counts(db)

    alice = as_user("alice")
    trial = users.delete(f"/records/{document}", params={"dry_run": "true"}, headers=alice)
    assert trial.status_code == 200, trial.text
    assert counts(db) == before
    actions = {(d["action"], d.get("node_id")) for d in trial.json()["diff"]}
    assert ("remove_record_from_node", "10378.1/input-1") in actions
    assert ("remove_node", "http://example.org/derived") in actions
    assert any(d["action"] == "remove_link" for d in trial.json()["diff"])

    done = users.delete(f"/records/{document}", headers=as_user("alice"))
    assert done.status_code == 200 and done.json()["diff"] == trial.json()["diff"]
    assert users.get(f"/records/{document}", headers=as_user("alice")).status_code == 404
    after = counts(db)
    assert after["records"] == before["records"] - 1
    assert after["nodes"] == before["nodes"] - 1 and after["edges"] == before["edges"] - 1
    # Bob's run still reads its input.
    lineage = users.get("/lineage", params={"id": "10378.1/input-1"}, headers=as_user("bob"))
    assert lineage.status_code == 200
    assert users.delete(f"/records/{document}", headers=as_user("alice")).status_code == 404


def test_only_the_owner_or_an_admin_deletes(users: httpx.Client, db: Driver) -> None:
    document = import_document(users, "alice")
    for user in ("bob", "reader"):
        response = users.delete(f"/records/{document}", headers=as_user(user))
        assert response.status_code == 403, response.text
    assert counts(db)["records"] == 1
    assert users.delete(f"/records/{document}", headers=as_user("boss")).status_code == 200
    assert counts(db)["records"] == 0


def test_dry_run_diff_is_provenas_trial_diff(users: httpx.Client, db: Driver) -> None:
    run = register(users, "alice")
    import_document(users, "bob")
    provena = users.post(
        "/model_run/delete", json={"record_id": run, "trial_mode": True}, headers=as_user("alice")
    )
    native = users.delete(f"/records/{run}", params={"dry_run": "true"}, headers=as_user("alice"))
    assert provena.status_code == native.status_code == 200
    assert native.json()["diff"] == provena.json()["diff"]


def test_code_runs_delete_through_records_too(users: httpx.Client, db: Driver) -> None:
    body = {**seed_code_run(), "uuid": None}
    run = users.post("/api/code_run/", json=body, headers=as_user("alice")).json()
    assert users.delete(f"/records/{run['uuid']}", headers=as_user("alice")).status_code == 200
    assert users.get(run["url"], headers=as_user("alice")).status_code == 404
    assert counts(db) == {"nodes": 0, "ids": 0, "edges": 0, "records": 0}
