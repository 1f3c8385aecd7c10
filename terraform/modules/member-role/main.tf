# Deploy in each member account whose quotas the central QuotaAutomation manages: the role its Lambda assumes, with
# only the reads and requests the engine makes in a member account (Service Quotas, Support, CloudWatch).
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0" # an IAM role and two data sources: any 5.x or 6.x
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "aws_iam_role" "member" {
  name                 = var.role_name
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.automation_role_arn]
    }
  }
}

module "quota_access" {
  source             = "../quota-access"
  auto_management    = true
  request_quota_arns = ["arn:${data.aws_partition.current.partition}:servicequotas:*:${data.aws_caller_identity.current.account_id}:*/*"]
}

resource "aws_iam_role_policy" "member" {
  name   = "quota-automation-member"
  role   = aws_iam_role.member.id
  policy = module.quota_access.json
}
