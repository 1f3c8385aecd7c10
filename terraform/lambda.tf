resource "aws_cloudwatch_log_group" "lambda" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  description      = "QuotaAutomation: keeps this account's quotas ahead of usage (schedule, approval workflow tasks, quota events)"
  role             = aws_iam_role.lambda.arn
  runtime          = "dotnet10"
  architectures    = [var.architecture] # arm64: publish with -r linux-arm64 (variables.tf)
  handler          = "QuotaAutomation.Lambda::QuotaAutomation.Lambda.Handler::HandleAsync"
  filename         = var.lambda_package
  source_code_hash = filebase64sha256(var.lambda_package)
  memory_size      = var.memory_mb
  timeout          = var.time_budget_seconds + 30
  # A cycle, approval tasks and events at once, but never a stampede: quotas are locked per cycle. Approval requests
  # from people go to the approval function (approval_function.tf), so they can never use up this concurrency. With the
  # fleet, each running shard batch (fleet_max_concurrency of them at most) is one more invocation.
  reserved_concurrent_executions = var.reserved_concurrency + (var.fleet_enabled ? var.fleet_max_concurrency : 0)

  environment {
    # The fleet's settings (fleet.tf) are added only when fleet_enabled, so a deployment without it does not change.
    variables = merge({
      QA_RULES_TABLE                = aws_dynamodb_table.this["rules"].name
      QA_USAGE_TABLE                = aws_dynamodb_table.this["usage"].name
      QA_AUDIT_TABLE                = aws_dynamodb_table.this["audit"].name
      QA_STATE_TABLE                = aws_dynamodb_table.this["state"].name
      QA_EVENTS_TABLE               = aws_dynamodb_table.this["events"].name
      QA_POLICIES_TABLE             = aws_dynamodb_table.this["policies"].name
      QA_ALERT_TOPIC_ARN            = aws_sns_topic.alerts.arn
      QA_APPROVAL_TOPIC_ARN         = aws_sns_topic.approvals.arn
      QA_APPROVAL_STATE_MACHINE_ARN = local.approval_state_machine_arn
      QA_EVENT_BUS_NAME             = aws_cloudwatch_event_bus.quota.name
      QA_TIME_BUDGET_SECONDS        = tostring(var.time_budget_seconds)
      QA_ALERT_COOLDOWN_MINUTES     = tostring(var.alert_cooldown_minutes)
      QA_MEMBER_ROLE_NAME           = var.member_role_name
      QA_FORECASTER                 = var.forecaster
      QA_READ_CADENCE               = var.read_cadence
      QA_PRICES                     = var.prices
      QA_REPORT_BUCKET              = aws_s3_bucket.reports.bucket
      QA_SERVES                     = "cycle"
      QA_APPROVERS                  = join(",", var.approvers)
      QA_APPROVAL_URL               = aws_lambda_function_url.approvals.function_url
      QA_APPROVAL_LINKS             = var.approval_links
      QA_LINK_KEY_ID                = var.approval_links == "signed" ? aws_kms_key.links[0].arn : ""
    }, local.fleet_environment)
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.lambda.name
  }

  tags       = local.tags
  depends_on = [aws_iam_role_policy.lambda]
}

# Asynchronous invocations (schedule, events) that fail twice land in a queue, with an alarm on it.
resource "aws_sqs_queue" "failed" {
  name                      = "${var.name}-failed-invocations"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = local.tags
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = 1
  maximum_event_age_in_seconds = 3600
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed.arn
    }
  }
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "${var.name}-cycle"
  description         = "Runs a QuotaAutomation cycle"
  schedule_expression = var.schedule_expression
  tags                = local.tags
}

# fleet_enabled: each tick starts a fleet run (fleet.tf) instead of one cycle of this account.
resource "aws_cloudwatch_event_target" "schedule" {
  rule     = aws_cloudwatch_event_rule.schedule.name
  arn      = var.fleet_enabled ? aws_sfn_state_machine.fleet[0].arn : aws_lambda_function.this.arn
  role_arn = var.fleet_enabled ? aws_iam_role.fleet_schedule[0].arn : null
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "AllowSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}
