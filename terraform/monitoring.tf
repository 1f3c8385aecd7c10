locals {
  alarms = {
    errors = {
      description = "QuotaAutomation invocations failed (a cycle, an approval task or an event)"
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
    throttles = {
      description = "QuotaAutomation invocations were throttled"
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
    failed-invocations = {
      description = "Asynchronous invocations failed twice and were parked in the failed-invocations queue"
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.failed.name }
    }
    # The function's own Errors metric (EMF, LambdaLog.Metrics): rules that could not be evaluated, actions that failed
    # and rejected invocations, all of which the function answers without failing, so AWS/Lambda Errors stays at 0.
    engine-errors = {
      description = "QuotaAutomation reported errors: a rule it could not evaluate, an action that failed or an invocation it rejected (see the log's decision and error lines)"
      namespace   = "QuotaAutomation"
      metric      = "Errors"
      dimensions  = { Function = aws_lambda_function.this.function_name }
    }
    approval-failures = {
      description = "Approval workflow executions failed"
      namespace   = "AWS/States"
      metric      = "ExecutionsFailed"
      dimensions  = { StateMachineArn = aws_sfn_state_machine.approval.arn }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each            = local.alarms
  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.key == "failed-invocations" ? "Maximum" : "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}

# A cycle that has not run for three schedule periods is an outage even without errors.
resource "aws_cloudwatch_metric_alarm" "no_cycles" {
  alarm_name          = "${var.name}-no-cycles"
  alarm_description   = "No QuotaAutomation invocation for 15 minutes"
  namespace           = "AWS/Lambda"
  metric_name         = "Invocations"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 900
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title = "Invocations, errors, throttles", region = local.region, stat = "Sum", period = 300
          metrics = [
            ["AWS/Lambda", "Invocations", "FunctionName", aws_lambda_function.this.function_name],
            [".", "Errors", ".", "."],
            [".", "Throttles", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title = "Cycle duration (ms)", region = local.region, period = 300
          metrics = [
            ["AWS/Lambda", "Duration", "FunctionName", aws_lambda_function.this.function_name, { stat = "p50" }],
            ["...", { stat = "Maximum" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title = "Approvals", region = local.region, stat = "Sum", period = 3600
          metrics = [
            ["AWS/States", "ExecutionsStarted", "StateMachineArn", aws_sfn_state_machine.approval.arn],
            [".", "ExecutionsSucceeded", ".", "."],
            [".", "ExecutionsFailed", ".", "."],
            [".", "ExecutionsTimedOut", ".", "."],
          ]
        }
      },
      {
        type = "log", x = 12, y = 6, width = 12, height = 6
        properties = {
          title = "Decisions that act or failed (latest)", region = local.region
          query = "SOURCE '${aws_cloudwatch_log_group.lambda.name}' | fields @timestamp, rule_id, account_id, region, service_code, quota_code, band, utilization_percent, decision, action, requested_value, reason | filter message = 'decision' | sort @timestamp desc | limit 50"
          view  = "table"
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 24, height = 6
        properties = {
          title   = "Quota utilisation at the forecast peak (%), fullest 20", region = local.region, period = 300, stat = "Maximum"
          metrics = [[{ expression = "SORT(SEARCH('{QuotaAutomation,ServiceCode,QuotaCode,Region,AccountId} MetricName=\"Utilization\"', 'Maximum', 300), MAX, DESC, 20)", id = "utilization" }]]
          yAxis   = { left = { min = 0, max = 100 } }
        }
      },
    ]
  })
}
