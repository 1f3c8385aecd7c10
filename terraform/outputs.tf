output "function_name" {
  description = "The Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "approval_url" {
  description = "The approval function's URL (AWS_IAM auth unless approval_links = signed)."
  value       = aws_lambda_function_url.approvals.function_url
}

output "approval_function_name" {
  description = "The approval function: approval requests only, with its own reserved concurrency."
  value       = aws_lambda_function.approvals.function_name
}

output "approver_policy_json" {
  description = "An identity policy to attach to approvers' roles: lets them call the IAM-authenticated approval URL (they must also match var.approvers)."
  value       = data.aws_iam_policy_document.approver.json
}

output "tables" {
  description = "The DynamoDB tables by role (use these names with the CLI's --backend aws)."
  value       = { for k, t in aws_dynamodb_table.this : k => t.name }
}

output "alert_topic_arn" {
  description = "SNS topic for alerts (and the alarms)."
  value       = aws_sns_topic.alerts.arn
}

output "approval_topic_arn" {
  description = "SNS topic for approval requests."
  value       = aws_sns_topic.approvals.arn
}

output "approval_state_machine_arn" {
  description = "The approval workflow."
  value       = aws_sfn_state_machine.approval.arn
}

output "event_bus_name" {
  description = "The quota event bus: publish Infrastructure Scaling, Disaster Recovery or Cost Optimization Required events here with source quota-automation."
  value       = aws_cloudwatch_event_bus.quota.name
}

output "lambda_role_arn" {
  description = "The Lambda's role: member accounts trust it (modules/member-role)."
  value       = aws_iam_role.lambda.arn
}

output "failed_invocations_queue_url" {
  description = "Where asynchronous invocations that failed twice are parked."
  value       = aws_sqs_queue.failed.id
}

output "fleet_state_machine_arn" {
  description = "The fleet state machine (null unless fleet_enabled): start a fleet run by hand with aws stepfunctions start-execution."
  value       = var.fleet_enabled ? aws_sfn_state_machine.fleet[0].arn : null
}

output "fleet_bucket" {
  description = "The fleet's bucket (null unless fleet_enabled): shards/ (the plans' JSON lines) and results/ (the Distributed Map's result files)."
  value       = var.fleet_enabled ? aws_s3_bucket.fleet[0].id : null
}

output "member_role_stackset" {
  description = "The StackSet that puts the member role in every account of member_role_ous (null when empty)."
  value       = length(var.member_role_ous) > 0 ? aws_cloudformation_stack_set.member_role[0].name : null
}

output "member_events_stackset" {
  description = "The StackSet that forwards AWS Health quota-breach events from the accounts of member_role_ous in member_event_regions to this hub's default bus (null when member_event_regions is empty)."
  value       = length(var.member_event_regions) > 0 ? aws_cloudformation_stack_set.member_events[0].name : null
}

output "report_bucket" {
  description = "Where the weekly report is written (reports/YYYY/MM/DD/quota-report-REGION-DATE.html)."
  value       = aws_s3_bucket.reports.bucket
}
