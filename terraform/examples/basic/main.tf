# A deployment in one account that also manages one member account (README.md beside this file).
#   dotnet publish src/QuotaAutomation.Lambda -c Release -r linux-x64 --self-contained false -o artifacts/lambda
#   (cd artifacts/lambda && zip -qr ../quota-automation.zip .)
#   terraform -chdir=terraform/examples/basic init && terraform -chdir=terraform/examples/basic apply
# For arm64 (about 20 % cheaper): publish with -r linux-arm64 and set architecture = "arm64" and forecaster = "trend".
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "member"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole"
  }
}

module "quota_automation" {
  source             = "../.."
  lambda_package     = "${path.root}/../../../artifacts/quota-automation.zip"
  alert_emails       = ["platform-oncall@example.com"]
  approver_emails    = ["platform-leads@example.com"]
  member_account_ids = ["210987654321"]
  tags               = { team = "platform" }
  # architecture         = "arm64"
  # permissions_boundary = "arn:aws:iam::123456789012:policy/PlatformBoundary"
  # kms_key_arn          = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

module "member_role" {
  source              = "../../modules/member-role"
  providers           = { aws = aws.member }
  automation_role_arn = module.quota_automation.lambda_role_arn
}

output "approval_url" {
  description = "The approval function's URL."
  value       = module.quota_automation.approval_url
}

output "tables" {
  description = "The DynamoDB tables by role (for quota-automation --backend aws)."
  value       = module.quota_automation.tables
}
