# A deployment in one account that also manages one member account.
#   dotnet publish src/QuotaAutomation.Lambda -c Release -r linux-x64 --self-contained false -o artifacts/lambda
#   (cd artifacts/lambda && zip -qr ../quota-automation.zip .)
#   terraform -chdir=terraform/examples/basic init && terraform -chdir=terraform/examples/basic apply
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
}

module "member_role" {
  source              = "../../modules/member-role"
  providers           = { aws = aws.member }
  automation_role_arn = module.quota_automation.lambda_role_arn
}

output "approval_url" {
  value = module.quota_automation.approval_url
}

output "tables" {
  value = module.quota_automation.tables
}
