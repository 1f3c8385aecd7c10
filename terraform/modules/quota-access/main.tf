# What reading quotas and asking for more takes, in one account: the statements the central Lambda's role and each
# member account's role share (Service Quotas, Support for the cases it opens and Trusted Advisor, CloudWatch usage,
# EC2 describes and the account-limit APIs for counted usage).
# No resources: a policy document other policies include with source_policy_documents.
variable "request_quota_arns" {
  description = "Service Quotas ARNs increases may be requested for."
  type        = list(string)
}

variable "auto_management" {
  description = "Also allow turning Service Quotas Automatic Management on (NotifyOnly) and reading it: member roles, which `org auto-management enable` assumes."
  type        = bool
  default     = false
}

data "aws_iam_policy_document" "this" {
  statement {
    sid = "ReadQuotasAndFollowRequests" # Service Quotas reads take no resource ARN
    actions = [
      "servicequotas:ListServiceQuotas", "servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota",
      "servicequotas:GetRequestedServiceQuotaChange", "servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota",
      "servicequotas:CreateSupportCase", "servicequotas:StartQuotaUtilizationReport", "servicequotas:GetQuotaUtilizationReport",
      "servicequotas:ListServices", # what a '*' service wildcard covers when the utilization report is not to be had (AwsUsageCoverage)
    ]
    resources = ["*"]
  }
  statement {
    sid       = "RequestIncreases"
    actions   = ["servicequotas:RequestServiceQuotaIncrease"]
    resources = var.request_quota_arns
  }
  statement {
    sid       = "SupportCasesAndTrustedAdvisor" # Service Quotas opens cases as the caller; Trusted Advisor usage
    actions   = ["support:CreateCase", "support:DescribeCases", "support:DescribeTrustedAdvisorChecks", "support:DescribeTrustedAdvisorCheckResult"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.auto_management ? [1] : []
    content {
      sid       = "AutomaticManagement" # takes no resource ARN
      actions   = ["servicequotas:StartAutoManagement", "servicequotas:GetAutoManagementConfiguration"]
      resources = ["*"]
    }
  }
  statement {
    sid       = "Usage"
    actions   = ["cloudwatch:GetMetricData"]
    resources = ["*"]
  }
  statement {
    sid = "Ec2DescribeCounts" # usage of VPC, EC2 and EBS quotas with no usage metric, counted from the resources; describes take no resource ARN
    actions = [
      "ec2:DescribeAddresses", "ec2:DescribeInternetGateways", "ec2:DescribeNatGateways", "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots", "ec2:DescribeSubnets", "ec2:DescribeVolumes", "ec2:DescribeVpcs",
    ]
    resources = ["*"]
  }
  statement {
    sid = "AccountLimitUsage" # usage of quotas with no usage metric, from the APIs that return usage and limit; none takes a resource ARN
    actions = [
      "iam:GetAccountSummary", "rds:DescribeAccountAttributes", "autoscaling:DescribeAccountLimits", "cloudformation:DescribeAccountLimits",
      "cloudformation:ListStacks", "route53:GetAccountLimit", "lambda:GetAccountSettings",
    ]
    resources = ["*"]
  }
  statement {
    sid = "CountListedResources" # usage of quotas with no usage metric, counted from list calls (Adapters/Counting); list calls take no resource ARN
    actions = [
      "dynamodb:ListTables", "s3:ListAllMyBuckets", "eks:ListClusters", "ecs:ListClusters", "kms:ListKeys", "kms:ListAliases",
      "sns:ListTopics", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups",
    ]
    resources = ["*"]
  }
}

output "json" {
  description = "The policy document."
  value       = data.aws_iam_policy_document.this.json
}
