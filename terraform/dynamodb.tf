# The six tables exactly as the AWS backend uses them: tables.json is checked against DynamoTables.Definitions by a
# test (TerraformModuleTests), so the code and this module cannot drift apart. An index projects every attribute unless
# tables.json names its projection (KEYS_ONLY, or INCLUDE with non_key_attributes): the audit's indexes copy only what
# their readers read (docs/fleet-auditw.md). Changing an index's projection makes Terraform replace that index.
locals {
  tables        = jsondecode(file("${path.module}/tables.json"))
  edited_tables = ["rules", "policies"] # the tables people write by hand
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name         = "${var.name}-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = each.value.hash_key
  range_key    = each.value.range_key

  dynamic "attribute" {
    for_each = each.value.attributes
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.indexes
    content {
      name               = global_secondary_index.value.name
      hash_key           = global_secondary_index.value.hash_key
      range_key          = global_secondary_index.value.range_key
      projection_type    = try(global_secondary_index.value.projection, "ALL")
      non_key_attributes = try(global_secondary_index.value.non_key_attributes, null)
    }
  }

  dynamic "ttl" {
    for_each = each.value.ttl ? [1] : []
    content {
      attribute_name = "ttl"
      enabled        = true
    }
  }

  # Every change people make to the rules and policies, read by the function and audited (edits.tf).
  stream_enabled   = contains(local.edited_tables, each.key)
  stream_view_type = contains(local.edited_tables, each.key) ? "NEW_AND_OLD_IMAGES" : null

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true # the AWS managed key (aws/dynamodb) unless kms_key_arn names a customer managed one
    kms_key_arn = var.kms_key_arn
  }

  deletion_protection_enabled = var.deletion_protection && contains(["audit", "rules", "policies"], each.key)

  tags = local.tags
}
