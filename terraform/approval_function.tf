# The approval function: the same package and handler, serving only approval requests (QA_SERVES = approval_links),
# with its own reserved concurrency and its own role, so a flood of requests to the URL can neither starve the cycle
# function nor reach anything but reading an approval, sending the decision and writing the audit.
resource "aws_cloudwatch_log_group" "approvals" {
  name              = "/aws/lambda/${var.name}-approvals"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

resource "aws_lambda_function" "approvals" {
  function_name                  = "${var.name}-approvals"
  description                    = "QuotaAutomation approval door: IAM-authenticated (or signed-link) approval requests only"
  role                           = aws_iam_role.approvals.arn
  runtime                        = "dotnet10"
  architectures                  = [var.architecture]
  handler                        = "QuotaAutomation.Lambda::QuotaAutomation.Lambda.Handler::HandleAsync"
  filename                       = var.lambda_package
  source_code_hash               = filebase64sha256(var.lambda_package)
  memory_size                    = 256
  timeout                        = 30
  reserved_concurrent_executions = var.approval_concurrency

  environment {
    variables = {
      QA_RULES_TABLE            = aws_dynamodb_table.this["rules"].name
      QA_USAGE_TABLE            = aws_dynamodb_table.this["usage"].name
      QA_AUDIT_TABLE            = aws_dynamodb_table.this["audit"].name
      QA_STATE_TABLE            = aws_dynamodb_table.this["state"].name
      QA_EVENTS_TABLE           = aws_dynamodb_table.this["events"].name
      QA_POLICIES_TABLE         = aws_dynamodb_table.this["policies"].name
      QA_ALERT_TOPIC_ARN        = aws_sns_topic.alerts.arn
      QA_TIME_BUDGET_SECONDS    = "20"
      QA_FORECASTER             = "trend" # never forecasts; skips loading the model
      QA_SERVES                 = "approval_links"
      QA_APPROVERS              = join(",", var.approvers)
      QA_APPROVAL_LINKS         = var.approval_links
      QA_LINK_KEY_ID            = var.approval_links == "signed" ? aws_kms_key.links[0].arn : ""
      QA_APPROVAL_URL           = ""
      QA_ALERT_COOLDOWN_MINUTES = tostring(var.alert_cooldown_minutes)
    }
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.approvals.name
  }

  tags       = local.tags
  depends_on = [aws_iam_role_policy.approvals]
}

# AWS_IAM by default: Lambda checks the SigV4 signature and puts the caller in requestContext.authorizer.iam, the only
# identity the function trusts. With approval_links = signed the URL is public, and every request must carry a link
# whose KMS HMAC verifies, unexpired and unspent; anything else gets the same refusal page and reveals nothing.
resource "aws_lambda_function_url" "approvals" {
  function_name      = aws_lambda_function.approvals.function_name
  authorization_type = var.approval_links == "signed" ? "NONE" : "AWS_IAM"
}

resource "aws_lambda_permission" "public_links" {
  count                  = var.approval_links == "signed" ? 1 : 0
  statement_id           = "AllowSignedApprovalLinks"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.approvals.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

# Signs approval links; the key material never leaves KMS (HMAC_256, GENERATE_VERIFY_MAC).
resource "aws_kms_key" "links" {
  count                    = var.approval_links == "signed" ? 1 : 0
  description              = "QuotaAutomation approval-link HMAC key"
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
  deletion_window_in_days  = 7
  tags                     = local.tags
}

resource "aws_iam_role" "approvals" {
  name                 = "${var.name}-approvals"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.lambda_trust.json
  tags                 = local.tags
}

data "aws_iam_policy_document" "approvals" {
  statement {
    sid       = "ApprovalLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.approvals.arn}:*"]
  }
  statement {
    sid       = "ReadApprovalAndTaskToken"
    actions   = ["dynamodb:GetItem"]
    resources = [local.table_arns["state"]]
  }
  statement {
    sid       = "SpendLinkNonces" # conditional PutItem of LINK#nonce items only
    actions   = ["dynamodb:PutItem"]
    resources = [local.table_arns["state"]]
    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["LINK#*"]
    }
  }
  statement {
    sid       = "RuleApprovers"
    actions   = ["dynamodb:Scan"]
    resources = [local.table_arns["rules"]]
  }
  statement {
    sid       = "ApprovalAudit" # a conditional PutItem: records are added, never changed
    actions   = ["dynamodb:PutItem"]
    resources = [local.table_arns["audit"]]
  }
  statement {
    sid       = "ApprovalAuditIsAppendOnly"
    effect    = "Deny"
    actions   = ["dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]
    resources = [local.table_arns["audit"]]
  }
  statement {
    # The Service Authorization Reference lists no resource type for SendTaskSuccess / SendTaskFailure: they take
    # only "*" (docs/aws.md). A grant on the state machine or execution ARN is ignored, and the decision is denied.
    sid       = "SendDecisions"
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.kms_key_arn != null ? [1] : []
    content {
      sid       = "TablesWithCustomerKey" # DynamoDB decrypts the state and audit items with the caller's rights on kms_key_arn
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
    }
  }
  dynamic "statement" {
    for_each = var.approval_links == "signed" ? [1] : []
    content {
      sid       = "VerifyApprovalLinks"
      actions   = ["kms:VerifyMac"]
      resources = [aws_kms_key.links[0].arn]
    }
  }
}

resource "aws_iam_role_policy" "approvals" {
  name   = "quota-automation-approvals"
  role   = aws_iam_role.approvals.id
  policy = data.aws_iam_policy_document.approvals.json
}

# What an approver's own role needs to call the IAM-authenticated URL (output approver_policy_json). Being allowed to
# call it is not being an approver: the caller must also match var.approvers (or the rule's approvers). InvokeFunction
# is limited to calls made through the URL: a direct Invoke would let its caller write requestContext.authorizer
# itself, so nobody should hold plain lambda:InvokeFunction on the approval function.
data "aws_iam_policy_document" "approver" {
  statement {
    sid       = "CallTheApprovalUrl"
    actions   = ["lambda:InvokeFunctionUrl"]
    resources = [aws_lambda_function.approvals.arn]
    condition {
      test     = "StringEquals"
      variable = "lambda:FunctionUrlAuthType"
      values   = ["AWS_IAM"]
    }
  }
  statement {
    sid       = "OnlyThroughTheUrl"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.approvals.arn]
    condition {
      test     = "Bool"
      variable = "lambda:InvokedViaFunctionUrl"
      values   = ["true"]
    }
  }
}
