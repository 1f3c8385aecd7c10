# Hand edits of the rules and policies tables, whoever makes them (the console, the CLI, a script): their streams invoke
# the cycle function, which writes each change to the audit table with what changed and whether the item still parses
# (docs/governance.md, "Who may change what"). A record whose audit write fails is handed back (ReportBatchItemFailures)
# and retried; one still failing after the retries goes to the failed-invocations queue, which has an alarm.
resource "aws_lambda_event_source_mapping" "edits" {
  for_each = toset(local.edited_tables)

  event_source_arn        = aws_dynamodb_table.this[each.key].stream_arn
  function_name           = aws_lambda_function.this.arn
  starting_position       = "TRIM_HORIZON" # the changes still in the stream (24 hours) when the mapping is first created
  batch_size              = 100
  function_response_types = ["ReportBatchItemFailures"]
  maximum_retry_attempts  = 10

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failed.arn
    }
  }

  depends_on = [aws_iam_role_policy.lambda]
}
