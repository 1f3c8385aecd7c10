# The quota event bus: the engine's own events (threshold, spike, prediction) and what other systems announce
# (infrastructure scaling, disaster recovery, cost optimisation) reach the Lambda; AWS Health quota breaches and
# Service Quotas API calls (CloudTrail) arrive on the default bus.
resource "aws_cloudwatch_event_bus" "quota" {
  name = "${var.name}-events"
  tags = local.tags
}

locals {
  event_rules = {
    quota-events = {
      bus     = aws_cloudwatch_event_bus.quota.name
      pattern = { source = ["quota-automation"], "detail-type" = ["Quota Threshold Exceeded", "Quota Usage Spike", "Quota Prediction Alert", "Infrastructure Scaling", "Disaster Recovery", "Cost Optimization Required"] }
    }
    # Producers built to the seed design's contract: source "quota.automation", the event type in detail.event_type.
    seed-quota-events = {
      bus     = aws_cloudwatch_event_bus.quota.name
      pattern = { source = ["quota.automation"], detail = { event_type = ["quota_threshold_exceeded", "quota_usage_spike", "quota_prediction_alert", "infrastructure_scaling", "disaster_recovery_triggered", "cost_optimization_required"] } }
    }
    health-breach = {
      bus     = "default"
      pattern = { source = ["aws.health"], "detail-type" = ["AWS Health Event"], detail = { eventTypeCode = ["AWS_SERVICEQUOTAS_THRESHOLD_BREACH"] } }
    }
    quota-api-calls = {
      bus     = "default"
      pattern = { source = ["aws.servicequotas"], "detail-type" = ["AWS API Call via CloudTrail"], detail = { eventName = ["RequestServiceQuotaIncrease"] } }
    }
    # Who writes the rules and policies (docs/governance.md): CloudTrail data events, delivered where the account's trail
    # logs data events for the two tables; the tables' streams record what changed either way (edits.tf).
    table-writes = {
      bus = "default"
      pattern = {
        source        = ["aws.dynamodb"]
        "detail-type" = ["AWS API Call via CloudTrail"]
        detail = {
          eventName         = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement"]
          requestParameters = { tableName = [aws_dynamodb_table.this["rules"].name, aws_dynamodb_table.this["policies"].name] }
        }
      }
    }
  }
}

resource "aws_cloudwatch_event_rule" "events" {
  for_each       = local.event_rules
  name           = "${var.name}-${each.key}"
  event_bus_name = each.value.bus
  event_pattern  = jsonencode(each.value.pattern)
  tags           = local.tags
}

resource "aws_cloudwatch_event_target" "events" {
  for_each       = local.event_rules
  rule           = aws_cloudwatch_event_rule.events[each.key].name
  event_bus_name = each.value.bus
  arn            = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "events" {
  for_each      = local.event_rules
  statement_id  = "AllowEvents-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.events[each.key].arn
}
