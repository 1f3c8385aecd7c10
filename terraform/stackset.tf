# The member role in every account of the OUs in member_role_ous, by itself: a CloudFormation StackSet with
# service-managed permissions and automatic deployment, so an account that joins one of those OUs gets the role and
# one that leaves loses it. The role and its policy are exactly modules/member-role's (same quota-access statements,
# same trust in this deployment's Lambda role); that module stays for accounts you manage one by one.
# Service-managed StackSets never deploy to the management account itself, and must be created from the management
# account or a delegated administrator (stackset_call_as = "DELEGATED_ADMIN"); trusted access for CloudFormation
# StackSets must be enabled in the organization first (docs/fleet.md, "Onboard an OU").
locals {
  stackset = length(var.member_role_ous) > 0 ? 1 : 0
  # The quota-access statements with a placeholder account, which CloudFormation's Fn::Sub turns into each member
  # account's own (modules/member-role passes its account the same way).
  member_quota_arn_placeholder = "arn:${local.partition}:servicequotas:*:000000000000:*/*"
  member_role_template = {
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "QuotaAutomation member role (terraform/stackset.tf): the central Lambda reads quotas and asks for more here"
    Resources = {
      MemberRole = {
        Type = "AWS::IAM::Role"
        Properties = merge({
          RoleName = var.member_role_name
          AssumeRolePolicyDocument = {
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.lambda.arn }, Action = "sts:AssumeRole" }]
          }
          Policies = [{
            PolicyName = "quota-automation-member"
            PolicyDocument = jsondecode(replace(module.member_quota_access.json, "\"${local.member_quota_arn_placeholder}\"",
            jsonencode({ "Fn::Sub" = "arn:$${AWS::Partition}:servicequotas:*:$${AWS::AccountId}:*/*" })))
          }]
          Tags = [for k, v in local.tags : { Key = k, Value = v }]
          }, var.member_permissions_boundary_name == null ? {} : {
          PermissionsBoundary = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:policy/${var.member_permissions_boundary_name}" }
        })
      }
    }
  }
}

module "member_quota_access" {
  source             = "./modules/quota-access"
  auto_management    = true
  request_quota_arns = [local.member_quota_arn_placeholder]
}

resource "aws_cloudformation_stack_set" "member_role" {
  count            = local.stackset
  name             = "${var.name}-member-role"
  description      = "QuotaAutomation member role in every account of the OUs in member_role_ous"
  permission_model = "SERVICE_MANAGED"
  call_as          = var.stackset_call_as
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = jsonencode(local.member_role_template)
  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }
  operation_preferences {
    failure_tolerance_percentage = 10
    max_concurrent_percentage    = 25
    region_concurrency_type      = "PARALLEL"
  }
  tags = local.tags
  lifecycle {
    ignore_changes = [administration_role_arn] # AWS fills it in with auto-deployment: a perpetual diff (hashicorp/terraform-provider-aws#23464, fixed by #45992 in 2026)
  }
}

# IAM is global: one Region's stack instance per account is enough.
resource "aws_cloudformation_stack_set_instance" "member_role" {
  count                     = local.stackset
  stack_set_name            = aws_cloudformation_stack_set.member_role[0].name
  call_as                   = var.stackset_call_as
  stack_set_instance_region = local.region # the instance's Region: provider 6 deprecates "region" here for it
  deployment_targets {
    organizational_unit_ids = var.member_role_ous
  }
  operation_preferences {
    failure_tolerance_percentage = 10
    max_concurrent_percentage    = 25
    region_concurrency_type      = "PARALLEL"
  }
}
