"""Live status from AWS: what the deployed stack's DMS resources are doing now, read with boto3.

Pulumi-free. The commands build a `Targets` (targets.py) from the stack and hand it to these modules; nothing here
knows how the offline program computes its tasks. `status` calls only describe/list/get APIs; `assess` and
`test-connections` start only their own runs.
"""
