"""A model run as FAIR-DP users write one, run by the clients' own Python (not ours):
`fairdp_job.py CONFIG SCRIPT TOKEN READS WRITES [ISSUE]` reads each data product of READS
(a JSON list), writes each of WRITES as a CSV derived from what it read, raises ISSUE (if
given) with its config, and prints its handle."""

import json
import sys

import data_pipeline_api as pipeline

config, script, token, reads, writes = sys.argv[1:6]
handle = pipeline.initialise(token, config, script)
text = ""
for name in json.loads(reads):
    with open(pipeline.link_read(handle, name)) as data:
        text += data.read()
for name in json.loads(writes):
    with open(pipeline.link_write(handle, name), "w") as data:
        data.write(f"product,{name}\n{text}")
if len(sys.argv) > 6:
    pipeline.raise_issue_with_config(handle, sys.argv[6], 4)
pipeline.finalise(token, handle)
outputs = {o["data_product"]: o["component_url"] for o in handle.get("output", {}).values()}
inputs = {i["data_product"]: i["component_url"] for i in handle.get("input", {}).values()}
print(
    json.dumps(
        {
            "code_run": handle["code_run"],
            "uuid": handle["code_run_uuid"],
            "outputs": outputs,
            "inputs": inputs,
        }
    )
)
