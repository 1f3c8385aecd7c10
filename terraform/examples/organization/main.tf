# A deployment in the organization's management account that governs every account of two OUs, fanned out on the fleet
# state machine (README.md beside this file; docs/fleet.md, "Onboard an OU").
#   dotnet publish src/QuotaAutomation.Lambda -c Release -r linux-x64 --self-contained false -o artifacts/lambda
#   (cd artifacts/lambda && zip -qr ../quota-automation.zip .)
#   terraform -chdir=terraform/examples/organization init && terraform -chdir=terraform/examples/organization apply
provider "aws" {
  region = "us-east-1"
}

module "quota_automation" {
  source         = "../.."
  lambda_package = "${path.root}/../../../artifacts/quota-automation.zip"
  alert_emails   = ["platform-oncall@example.com"]
  tags           = { team = "platform" }

  # The fleet: the schedule starts a fleet run; at most 100 batches of 10 shards run at once, and the run fails (the
  # fleet-failed alarm) when more than 5 % of the shards' batches fail.
  fleet_enabled                      = true
  fleet_max_concurrency              = 100
  fleet_batch_size                   = 10
  fleet_tolerated_failure_percentage = 5

  # The member role lands in every account of these OUs, and in accounts that join them later.
  member_role_ous = ["ou-abcd-11111111", "ou-abcd-22222222"]
  # stackset_call_as = "DELEGATED_ADMIN"   # when this runs in a delegated administrator account, not the management account
  # Their AWS Health quota-breach events from these Regions reach this hub and wake their shards (docs/fleet-wakes.md).
  member_event_regions = ["us-east-1", "eu-west-1"]
}

output "fleet_state_machine_arn" {
  description = "The fleet state machine."
  value       = module.quota_automation.fleet_state_machine_arn
}

output "tables" {
  description = "The DynamoDB tables by role (for quota-automation --backend aws)."
  value       = module.quota_automation.tables
}
