terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

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
}
