# The fleet (fleet_enabled): every account and Region of the organization, fanned out on a Step Functions Distributed
# Map (fleet.asl.json). The schedule starts the fleet state machine instead of the function (lambda.tf); the function
# plans the shards into this bucket (shards/), the Map runs them in batches as Express child workflows and writes its
# results (results/), and the function sums them up. With fleet_enabled = false (the default) nothing here exists and
# the deployment is exactly what it was. docs/fleet.md: the picture, the limits, the bill, onboarding an OU.
locals {
  fleet                    = var.fleet_enabled ? 1 : 0
  fleet_state_machine_name = "${var.name}-fleet"
  fleet_state_machine_arn  = "arn:${local.partition}:states:${local.region}:${local.account}:stateMachine:${local.fleet_state_machine_name}"
  # Bucket names are global: the account id makes it unique (name is at most 39 characters: 58 in all, of 63 allowed).
  fleet_bucket_name = "${var.name}-fleet-${local.account}"
  fleet_bucket_arn  = "arn:${local.partition}:s3:::${local.fleet_bucket_name}"
  # The cycle function's settings for the fleet (merged into its environment in lambda.tf; none when the fleet is off).
  fleet_environment = var.fleet_enabled ? {
    QA_FLEET_BUCKET               = local.fleet_bucket_name
    QA_FLEET_SHARDS_AT_ONCE       = tostring(var.fleet_shards_at_once)
    QA_FLEET_NEW_SHARDS_PER_CYCLE = tostring(var.fleet_new_shards_per_cycle)
    QA_FLEET_TABLE_UNITS          = tostring(var.fleet_table_units)
  } : {}
}

# Shards and results: written and read within a run, then expired (fleet_retention_days).
resource "aws_s3_bucket" "fleet" {
  count         = local.fleet
  bucket        = local.fleet_bucket_name
  force_destroy = true # only shard lists and Map results, which expire within days anyway
  tags          = local.tags
}

resource "aws_s3_bucket_ownership_controls" "fleet" {
  count  = local.fleet
  bucket = aws_s3_bucket.fleet[0].id
  rule {
    object_ownership = "BucketOwnerEnforced" # no ACLs: the bucket policy and roles alone decide
  }
}

resource "aws_s3_bucket_public_access_block" "fleet" {
  count                   = local.fleet
  bucket                  = aws_s3_bucket.fleet[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "fleet" {
  count  = local.fleet
  bucket = aws_s3_bucket.fleet[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn != null ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null # one data key per object batch, not one KMS call per object
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "fleet" {
  count  = local.fleet
  bucket = aws_s3_bucket.fleet[0].id
  rule {
    id     = "expire-fleet-runs"
    status = "Enabled"
    filter {}
    expiration {
      days = var.fleet_retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_policy" "fleet" {
  count      = local.fleet
  bucket     = aws_s3_bucket.fleet[0].id
  policy     = data.aws_iam_policy_document.fleet_bucket.json
  depends_on = [aws_s3_bucket_public_access_block.fleet]
}

data "aws_iam_policy_document" "fleet_bucket" {
  statement {
    sid    = "TlsOnly"
    effect = "Deny"
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions   = ["s3:*"]
    resources = [local.fleet_bucket_arn, "${local.fleet_bucket_arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# The fleet state machine from fleet.asl.json; the operator's limits come from the variables (variables.tf).
resource "aws_cloudwatch_log_group" "fleet" {
  count             = local.fleet
  name              = "/aws/vendedlogs/states/${local.fleet_state_machine_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

resource "aws_sfn_state_machine" "fleet" {
  count    = local.fleet
  name     = local.fleet_state_machine_name
  role_arn = aws_iam_role.fleet[0].arn
  definition = templatefile("${path.module}/fleet.asl.json", {
    function_arn                 = aws_lambda_function.this.arn
    bucket                       = aws_s3_bucket.fleet[0].id
    max_concurrency              = var.fleet_max_concurrency
    max_items_per_batch          = var.fleet_batch_size
    tolerated_failure_percentage = var.fleet_tolerated_failure_percentage
  })
  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.fleet[0].arn}:*"
    include_execution_data = false # shard lists name every account: keep them out of the logs
    level                  = "ERROR"
  }
  tags = local.tags

  lifecycle {
    precondition {
      # An Express child workflow runs at most 5 minutes: one batch (the function's timeout is the budget + 30 s)
      # must end inside it, or the child times out and its whole batch counts as failed.
      condition     = var.time_budget_seconds <= 240
      error_message = "fleet_enabled needs time_budget_seconds <= 240: a shard batch runs in an Express child workflow, which AWS stops after 5 minutes."
    }
  }
  depends_on = [aws_iam_role_policy.fleet]
}

resource "aws_iam_role" "fleet" {
  count                = local.fleet
  name                 = "${var.name}-fleet"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.states_trust.json
  tags                 = local.tags
}

# What the Distributed Map needs, as AWS documents it ("IAM policies for using Distributed Map states"): start and
# follow its own child executions, read the shard list, write the results; and invoke the function, nothing else.
data "aws_iam_policy_document" "fleet" {
  statement {
    sid       = "InvokeTheFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn, "${aws_lambda_function.this.arn}:*"]
  }
  statement {
    sid       = "ReadShards" # the ItemReader: the plan's JSON lines
    actions   = ["s3:GetObject"]
    resources = ["${local.fleet_bucket_arn}/shards/*"]
  }
  statement {
    sid       = "WriteResults" # the ResultWriter: manifest and result files, in multipart uploads
    actions   = ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]
    resources = ["${local.fleet_bucket_arn}/results/*"]
  }
  statement {
    sid       = "StartChildWorkflows" # a Distributed Map starts its child executions on its own state machine
    actions   = ["states:StartExecution"]
    resources = [local.fleet_state_machine_arn]
  }
  statement {
    sid       = "FollowChildWorkflows"
    actions   = ["states:DescribeExecution", "states:StopExecution"]
    resources = ["arn:${local.partition}:states:${local.region}:${local.account}:execution:${local.fleet_state_machine_name}/*"]
  }
  statement {
    sid = "Logging" # CloudWatch Logs' log delivery actions take no resource ARN (Step Functions logging docs)
    actions = [
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
      "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.kms_key_arn != null ? [1] : []
    content {
      sid       = "EncryptedBucket"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
    }
  }
}

resource "aws_iam_role_policy" "fleet" {
  count  = local.fleet
  name   = "fleet"
  role   = aws_iam_role.fleet[0].id
  policy = data.aws_iam_policy_document.fleet.json
}

# The schedule starts a fleet run (lambda.tf's target points here when fleet_enabled) with this role.
resource "aws_iam_role" "fleet_schedule" {
  count                = local.fleet
  name                 = "${var.name}-fleet-schedule"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.events_trust.json
  tags                 = local.tags
}

data "aws_iam_policy_document" "events_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

data "aws_iam_policy_document" "fleet_schedule" {
  statement {
    sid       = "StartFleetRuns"
    actions   = ["states:StartExecution"]
    resources = [local.fleet_state_machine_arn]
  }
}

resource "aws_iam_role_policy" "fleet_schedule" {
  count  = local.fleet
  name   = "fleet-schedule"
  role   = aws_iam_role.fleet_schedule[0].id
  policy = data.aws_iam_policy_document.fleet_schedule.json
}

# What the cycle function does for the fleet, beside its own account's cycle (iam.tf): write the plan's shards, read
# the Map's results, read the organization, read an account's operations contact and Regions, assume the member
# role in any account of the organization (the StackSet below puts it there), and keep the organization's quota
# request template and Service Quotas automatic management. Read-only on Organizations: it never changes the org.
data "aws_iam_policy_document" "lambda_fleet" {
  statement {
    sid       = "WriteShards"
    actions   = ["s3:PutObject"]
    resources = ["${local.fleet_bucket_arn}/shards/*"]
  }
  statement {
    sid       = "ReadResults"
    actions   = ["s3:GetObject"]
    resources = ["${local.fleet_bucket_arn}/results/*"]
  }
  statement {
    sid = "ReadTheOrganization" # Organizations' read actions; the organization's ARNs are not known before it is read
    actions = [
      "organizations:DescribeOrganization", "organizations:ListRoots", "organizations:ListAccountsForParent", "organizations:ListChildren",
    ]
    resources = ["*"]
  }
  statement {
    sid       = "AccountContactsAndRegions" # this account, and member accounts through the organization (account/o-…/ID)
    actions   = ["account:GetAlternateContact", "account:ListRegions"]
    resources = ["arn:${local.partition}:account::${local.account}:account", "arn:${local.partition}:account::${local.account}:account/o-*/*"]
  }
  statement {
    sid       = "MemberRolesInTheOrganization"
    actions   = ["sts:AssumeRole"]
    resources = ["arn:${local.partition}:iam::*:role/${var.member_role_name}"]
  }
}

resource "aws_iam_role_policy" "lambda_fleet" {
  count  = local.fleet
  name   = "fleet"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda_fleet.json
}

# A fleet run that fails (more failed shards than fleet_tolerated_failure_percentage, or a failed plan or summary).
resource "aws_cloudwatch_metric_alarm" "fleet_failed" {
  count               = local.fleet
  alarm_name          = "${var.name}-fleet-failed"
  alarm_description   = "A QuotaAutomation fleet run failed: more shards failed than tolerated, or the plan or summary step failed (see the fleet state machine's executions)"
  namespace           = "AWS/States"
  metric_name         = "ExecutionsFailed"
  dimensions          = { StateMachineArn = aws_sfn_state_machine.fleet[0].arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}
