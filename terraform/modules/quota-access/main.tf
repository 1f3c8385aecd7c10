# What reading quotas and asking for more takes, in one account: the statements the central Lambda's role and each
# member account's role share (Service Quotas, Support for the cases it opens and Trusted Advisor, CloudWatch usage).
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
}

output "json" {
  description = "The policy document."
  value       = data.aws_iam_policy_document.this.json
}
