# The Lambda's role: the exact actions the code calls (docs/aws.md, "IAM permissions, per operation"), on the exact
# resources where the action takes one. No wildcard action anywhere (TerraformModuleTests checks every statement).
resource "aws_iam_role" "lambda" {
  name                 = var.name
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.lambda_trust.json
  tags                 = local.tags
}

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

locals {
  table_arns  = { for k, t in aws_dynamodb_table.this : k => t.arn }
  quota_arns  = length(var.quota_arns) > 0 ? var.quota_arns : ["arn:${local.partition}:servicequotas:*:${local.account}:*/*"]
  member_arns = [for a in var.member_account_ids : "arn:${local.partition}:iam::${a}:role/${var.member_role_name}"]
}

module "quota_access" {
  source             = "./modules/quota-access"
  request_quota_arns = local.quota_arns
}

data "aws_iam_policy_document" "lambda" {
  source_policy_documents = [module.quota_access.json]
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.lambda.arn}:*"]
  }
  statement {
    sid       = "AlertsAndApprovals"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn, aws_sns_topic.approvals.arn]
  }
  statement {
    sid       = "EncryptedTopics"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [local.topic_key_arn]
  }
  statement {
    sid       = "Rules"
    actions   = ["dynamodb:Scan"]
    resources = [local.table_arns["rules"]]
  }
  statement {
    sid       = "Policies" # read every cycle; only people change policies (docs/governance.md, "Who may change what")
    actions   = ["dynamodb:Scan"]
    resources = [local.table_arns["policies"]]
  }
  statement {
    sid       = "GovernanceIsReadOnly" # whatever else is attached to the role, the engine cannot rewrite the rules or policies it runs under
    effect    = "Deny"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete", "dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:RestoreTableFromBackup"]
    resources = [local.table_arns["rules"], local.table_arns["policies"]]
  }
  statement {
    sid       = "TableEditStreams" # the event source mappings (edits.tf) read the two streams with this role
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
    resources = ["${local.table_arns["rules"]}/stream/*", "${local.table_arns["policies"]}/stream/*"]
  }
  statement {
    sid       = "FailedInvocations" # Lambda sends what failed for good (asynchronous invocations, stream records) to the queue as this role
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed.arn]
  }
  statement {
    sid       = "UsageHistory" # BatchGetItem: each quota's newest samples (its head item), 100 a call
    actions   = ["dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"]
    resources = [local.table_arns["usage"]]
  }
  statement {
    sid       = "AuditAppendAndRead" # a conditional PutItem: records are added, never changed; GetItem: a put whose reply was lost; BatchGetItem: whole records the indexes do not copy
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
    resources = [local.table_arns["audit"], "${local.table_arns["audit"]}/index/*"]
  }
  statement {
    sid       = "AuditIsAppendOnly"
    effect    = "Deny"
    actions   = ["dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTimeToLive", "dynamodb:RestoreTableFromBackup"]
    resources = [local.table_arns["audit"]]
  }
  statement {
    sid       = "State" # requests, approvals, locks (in transactions), alert times; UpdateItem: each account's request budget and shard wakes (string sets)
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]
    resources = [local.table_arns["state"], "${local.table_arns["state"]}/index/*"]
  }
  statement {
    sid       = "Events"
    actions   = ["dynamodb:PutItem"]
    resources = [local.table_arns["events"]]
  }
  dynamic "statement" {
    for_each = var.prices == "price_list" ? [1] : []
    content {
      sid       = "PriceList" # unit prices for the cost of an increase (GetProducts takes no resource ARN)
      actions   = ["pricing:GetProducts"]
      resources = ["*"]
    }
  }
  statement {
    sid       = "WriteReports" # the weekly report (reports.tf); it reads nothing back
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.reports.arn}/reports/*"]
  }
  statement {
    sid       = "PublishQuotaEvents"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.quota.arn]
  }
  statement {
    sid       = "Approvals" # start the workflow; decisions are sent by the approval function (approval_function.tf), not by this role
    actions   = ["states:StartExecution", "states:DescribeExecution"]
    resources = [local.approval_state_machine_arn, "arn:${local.partition}:states:${local.region}:${local.account}:execution:${local.approval_state_machine_name}:*"]
  }
  dynamic "statement" {
    for_each = var.approval_links == "signed" ? [1] : []
    content {
      sid       = "SignApprovalLinks" # the ask task signs links; only the approval function verifies them
      actions   = ["kms:GenerateMac"]
      resources = [aws_kms_key.links[0].arn]
    }
  }
  dynamic "statement" {
    for_each = length(local.member_arns) > 0 ? [1] : []
    content {
      sid       = "MemberAccounts"
      actions   = ["sts:AssumeRole"]
      resources = local.member_arns
    }
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "quota-automation"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}
