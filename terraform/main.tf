data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region
  # The state machine's ARN is built from its name: the Lambda needs it in its environment and the state machine needs
  # the Lambda's ARN, so one of the two must be known before either exists.
  approval_state_machine_name = "${var.name}-approval"
  approval_state_machine_arn  = "arn:${local.partition}:states:${local.region}:${local.account}:stateMachine:${local.approval_state_machine_name}"
  tags                        = merge({ application = "quota-automation" }, var.tags)
  # The topics' key: the caller's kms_key_arn, or the one this module creates (sns.tf). An AWS managed SNS key cannot be
  # used: CloudWatch alarms, EventBridge and Step Functions publish to the topics.
  topic_key_arn = var.kms_key_arn != null ? var.kms_key_arn : aws_kms_key.this[0].arn
}
