#!/usr/bin/env python3
"""Extracts resource schemas from @cdktf/provider-aws's .jsii into tf-check.js's schema format, for the types this
module uses that eng/tools/aws-schema-subset.json lacks. Run once (the output is committed):

    curl -sSLO https://registry.npmjs.org/@cdktf/provider-aws/-/provider-aws-21.22.1.tgz
    tar -xzf provider-aws-21.22.1.tgz package/.jsii
    python3 terraform/schema/extract.py package/.jsii aws_lambda_function_url aws_lambda_function_event_invoke_config \
      aws_s3_bucket_ownership_controls aws_s3_bucket_public_access_block aws_s3_bucket_server_side_encryption_configuration \
      aws_s3_bucket_lifecycle_configuration aws_s3_bucket_policy aws_servicequotas_template_association aws_cloudwatch_event_bus_policy \
      > terraform/schema/aws-schema-extra.json

The schema data is the provider's (MPL-2.0), as for the shared subset."""
import json, re, sys

jsii = json.load(open(sys.argv[1]))
types = jsii["types"]


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel_module(resource):  # aws_lambda_function_url -> lambdaFunctionUrl
    parts = resource.split("_")[1:]
    return parts[0] + "".join(p.title() for p in parts[1:])


def struct_of(type_ref):
    if "fqn" in type_ref and types.get(type_ref["fqn"], {}).get("kind") == "interface":
        return type_ref["fqn"]
    coll = type_ref.get("collection")
    if coll and "fqn" in coll["elementtype"] and types.get(coll["elementtype"]["fqn"], {}).get("kind") == "interface":
        return coll["elementtype"]["fqn"]
    union = type_ref.get("union")
    if union:
        for t in union["types"]:
            s = struct_of(t)
            if s:
                return s
    return None


def schema(fqn, skip_meta):
    attrs, blocks = {}, {}
    for p in types[fqn].get("properties", []):
        name = snake(p["name"])
        if skip_meta and name in ("connection", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioners"):
            continue
        nested = struct_of(p["type"])
        if nested:
            blocks[name] = dict(required=not p.get("optional", False), **schema(nested, False))
        else:
            attrs[name] = {"required": not p.get("optional", False)}
    return {"attrs": attrs, "blocks": blocks}


out = {"resource": {}, "data": {}}
for resource in sys.argv[2:]:
    module = camel_module(resource)
    # cdktf names a config "…AConfig" when "…Config" is taken by a nested type (s3BucketServerSideEncryptionConfiguration).
    config = next(k for k in types if k.lower() in (f"@cdktf/provider-aws.{module}.{module}Config".lower(), f"@cdktf/provider-aws.{module}.{module}AConfig".lower()))
    out["resource"][resource] = schema(config, True)
print(json.dumps(out, indent=1, sort_keys=True))
