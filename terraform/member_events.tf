# Member accounts' AWS Health quota-breach events on the hub's default bus, where the health-breach rule (events.tf)
# wakes their shards (docs/fleet-wakes.md, "Getting member accounts' events to the hub"). An EventBridge rule sees only
# its own account's events, so each member account forwards them from each Region in member_event_regions: a
# service-managed StackSet with automatic deployment over member_role_ous (as stackset.tf), one stack instance per
# Region (rules are Regional, unlike the member role). The hub's default bus accepts PutEvents from the organization's
# accounts only. Service Quotas Automatic Management must still be started in those accounts and Regions
# (quota-automation --backend aws org auto-management enable): only then does AWS Health raise these events.
locals {
  member_events   = length(var.member_event_regions) > 0 ? 1 : 0
  hub_default_bus = "arn:${local.partition}:events:${local.region}:${local.account}:event-bus/default"
  member_events_template = {
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "QuotaAutomation: forwards AWS Health quota-breach events to the hub's default bus (terraform/member_events.tf)"
    Resources = {
      # No fixed name: one stack per Region in the same account, each with its own role.
      ForwardRole = {
        Type = "AWS::IAM::Role"
        Properties = merge({
          AssumeRolePolicyDocument = {
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sts:AssumeRole" }]
          }
          Policies = [{
            PolicyName     = "quota-automation-forward-events"
            PolicyDocument = { Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "events:PutEvents", Resource = local.hub_default_bus }] }
          }]
          Tags = [for k, v in local.tags : { Key = k, Value = v }]
          }, var.member_permissions_boundary_name == null ? {} : {
          PermissionsBoundary = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:policy/${var.member_permissions_boundary_name}" }
        })
      }
      ForwardRule = {
        Type = "AWS::Events::Rule"
        Properties = {
          Description  = "AWS Health quota-breach events to the QuotaAutomation hub"
          EventBusName = "default"
          EventPattern = local.event_rules["health-breach"].pattern
          State        = "ENABLED"
          Targets      = [{ Id = "quota-automation-hub", Arn = local.hub_default_bus, RoleArn = { "Fn::GetAtt" = ["ForwardRole", "Arn"] } }]
        }
      }
    }
  }
}

data "aws_organizations_organization" "this" {
  count = local.member_events
}

resource "aws_cloudwatch_event_bus_policy" "member_events" {
  count          = local.member_events
  event_bus_name = "default"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "QuotaAutomationMemberEvents"
      Effect    = "Allow"
      Principal = "*"
      Action    = "events:PutEvents"
      Resource  = local.hub_default_bus
      Condition = { StringEquals = { "aws:PrincipalOrgID" = data.aws_organizations_organization.this[0].id } }
    }]
  })
}

resource "aws_cloudformation_stack_set" "member_events" {
  count            = local.member_events
  name             = "${var.name}-member-events"
  description      = "QuotaAutomation: forwards AWS Health quota-breach events from the accounts of member_role_ous to the hub"
  permission_model = "SERVICE_MANAGED"
  call_as          = var.stackset_call_as
  capabilities     = ["CAPABILITY_IAM"]
  template_body    = jsonencode(local.member_events_template)
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
    ignore_changes = [administration_role_arn] # as stackset.tf's: AWS fills it in with auto-deployment
    precondition {
      condition     = length(var.member_role_ous) > 0
      error_message = "member_event_regions needs member_role_ous: the OUs whose accounts forward their events."
    }
  }
}

# Health threshold events are raised in the quota's Region: one stack instance per Region, over the same OUs.
resource "aws_cloudformation_stack_set_instance" "member_events" {
  for_each                  = toset(var.member_event_regions)
  stack_set_name            = aws_cloudformation_stack_set.member_events[0].name
  call_as                   = var.stackset_call_as
  stack_set_instance_region = each.value                                      # the instance's Region: provider 6 deprecates "region" here for it
  depends_on                = [aws_cloudwatch_event_bus_policy.member_events] # the hub accepts the events before members send them
  deployment_targets {
    organizational_unit_ids = var.member_role_ous
  }
  operation_preferences {
    failure_tolerance_percentage = 10
    max_concurrent_percentage    = 25
    region_concurrency_type      = "PARALLEL"
  }
}
