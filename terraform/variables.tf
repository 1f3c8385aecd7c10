variable "name" {
  description = "Prefix of every resource name (tables are NAME-rules, NAME-usage, NAME-audit, NAME-state, NAME-events)."
  type        = string
  default     = "quota-automation"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,38}$", var.name))
    error_message = "name must be 3-39 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "lambda_package" {
  description = "Path of the Lambda zip: dotnet publish src/QuotaAutomation.Lambda -c Release -r linux-x64 --self-contained false (-r linux-arm64 with architecture = arm64), zipped (README: Deploy)."
  type        = string
  validation {
    condition     = endswith(var.lambda_package, ".zip")
    error_message = "lambda_package must be the path of a .zip file."
  }
}

variable "schedule_expression" {
  description = "How often a cycle runs."
  type        = string
  default     = "rate(5 minutes)"
  validation {
    condition     = can(regex("^(rate\\(.+\\)|cron\\(.+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be an EventBridge rate(...) or cron(...) expression."
  }
}

variable "time_budget_seconds" {
  description = "How long a cycle may run before it stops starting new work (QA_TIME_BUDGET_SECONDS); the Lambda's timeout is this plus 30 s."
  type        = number
  default     = 240
  validation {
    condition     = var.time_budget_seconds >= 10 && var.time_budget_seconds <= 870
    error_message = "time_budget_seconds must be between 10 and 870 (the Lambda's 900 s limit less 30 s)."
  }
}

variable "memory_mb" {
  description = "Lambda memory (MB). The model and a cycle of 1,000 rules fit in 512."
  type        = number
  default     = 512
  validation {
    condition     = var.memory_mb >= 256 && var.memory_mb <= 10240
    error_message = "memory_mb must be between 256 and 10240."
  }
}

variable "forecaster" {
  description = "model (the shipped FastTree model, falling back to trend) or trend."
  type        = string
  default     = "model"
  validation {
    condition     = contains(["model", "trend"], var.forecaster)
    error_message = "forecaster must be model or trend."
  }
}

variable "prices" {
  description = "price_list (unit prices from the AWS Price List, pricing:GetProducts, cached a day per Region; a price it does not give keeps the shipped table's, marked estimated) or table (the shipped table only)."
  type        = string
  default     = "price_list"
  validation {
    condition     = contains(["price_list", "table"], var.prices)
    error_message = "prices must be price_list or table."
  }
}

variable "report_schedule" {
  description = "When the weekly report is written to the reports bucket and announced on the alert topic (an EventBridge schedule expression)."
  type        = string
  default     = "cron(0 7 ? * MON *)"
}

variable "report_regions" {
  description = "The Regions the weekly report covers; empty (default): the function's own Region."
  type        = list(string)
  default     = []
  validation {
    condition     = length(var.report_regions) <= 40 && alltrue([for r in var.report_regions : can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$", r))])
    error_message = "report_regions must be at most 40 Region names such as eu-west-1."
  }
}

variable "report_retention_days" {
  description = "Days a report is kept in the reports bucket."
  type        = number
  default     = 400
  validation {
    condition     = var.report_retention_days >= 1
    error_message = "report_retention_days must be at least 1."
  }
}

variable "read_cadence" {
  description = "every_cycle (every quota's usage from CloudWatch GetMetricData each cycle) or adaptive (GetMetricData only when a quota's detail is due, Service Quotas' utilization report otherwise; what a fleet should use: docs/fleet.md)."
  type        = string
  default     = "every_cycle"
  validation {
    condition     = contains(["every_cycle", "adaptive"], var.read_cadence)
    error_message = "read_cadence must be every_cycle or adaptive."
  }
}

variable "alert_cooldown_minutes" {
  description = "An alert for a quota and band is sent at most once per this many minutes."
  type        = number
  default     = 360
  validation {
    condition     = var.alert_cooldown_minutes >= 0 && var.alert_cooldown_minutes <= 10080
    error_message = "alert_cooldown_minutes must be between 0 and 10080."
  }
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alert topic (each must confirm)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+$", e))])
    error_message = "alert_emails must be e-mail addresses."
  }
}

variable "approver_emails" {
  description = "E-mail addresses subscribed to the approval topic: they receive approval links and CLI commands."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for e in var.approver_emails : can(regex("^[^@\\s]+@[^@\\s]+$", e))])
    error_message = "approver_emails must be e-mail addresses."
  }
}

variable "quota_arns" {
  description = "Service Quotas ARNs the Lambda may request increases for (arn:aws:servicequotas:REGION:ACCOUNT:SERVICE/QUOTA_CODE); empty means every quota of this account."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.quota_arns : can(regex("^arn:aws[a-z-]*:servicequotas:[a-z0-9-]*:[0-9]{12}:[a-z0-9-]+/L-[A-Z0-9]+$", a))])
    error_message = "quota_arns must be Service Quotas ARNs of the form arn:aws:servicequotas:REGION:ACCOUNT:SERVICE/L-XXXXXXXX."
  }
}

variable "member_account_ids" {
  description = "Member accounts whose quotas this deployment manages: the Lambda may assume member_role_name in each (deploy modules/member-role there)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.member_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "member_account_ids must be 12-digit account ids."
  }
}

variable "member_role_name" {
  description = "The role name the Lambda assumes in member accounts (QA_MEMBER_ROLE_NAME)."
  type        = string
  default     = "QuotaAutomationMemberRole"
}

variable "log_retention_days" {
  description = "Retention of the Lambda's logs."
  type        = number
  default     = 90
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, ...)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "approvers" {
  description = "ARN patterns of who may approve increases (QA_APPROVERS; * and ? as in IAM ArnLike), e.g. arn:aws:sts::123456789012:assumed-role/QuotaApprovers/*. A rule's approvers attribute replaces this list for that rule. Empty: nobody can approve (fail closed)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.approvers : can(regex("^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$", a))])
    error_message = "approvers must be ARN patterns (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)."
  }
}

variable "approval_links" {
  description = "off (default): approvers decide with their AWS identity (the CLI, or a SigV4-signed request to the IAM-authenticated approval URL). signed: also e-mail signed, expiring, single-use links for people without AWS credentials; the approval URL is then public and every request needs a valid link signature (KMS HMAC key)."
  type        = string
  default     = "off"
  validation {
    condition     = contains(["off", "signed"], var.approval_links)
    error_message = "approval_links must be off or signed."
  }
}

variable "approval_concurrency" {
  description = "Reserved concurrency of the approval function: a flood of approval requests is throttled here and never reaches the cycle function's own reserved concurrency."
  type        = number
  default     = 2
  validation {
    condition     = var.approval_concurrency >= 1 && var.approval_concurrency <= 20
    error_message = "approval_concurrency must be between 1 and 20."
  }
}

variable "permissions_boundary" {
  description = "ARN of an IAM policy set as the permissions boundary of every role this module creates (the two functions' roles and the state machine's). Null: none."
  type        = string
  default     = null
  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for the SNS topics, the DynamoDB tables and the log groups. Null: the module creates a key for the topics, the tables use the AWS managed key (aws/dynamodb) and the log groups CloudWatch Logs' own encryption. The key policy must let CloudWatch Logs, CloudWatch alarms, EventBridge and Step Functions use it (README: \"Your own KMS key\")."
  type        = string
  default     = null
  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY_ID); an alias is not accepted."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the cycle function: a cycle, approval tasks and events at once, never a stampede (quotas are locked per cycle). Approval requests from people go to the approval function and never use it."
  type        = number
  default     = 5
  validation {
    condition     = var.reserved_concurrency >= 2 && var.reserved_concurrency <= 100
    error_message = "reserved_concurrency must be between 2 and 100."
  }
}

variable "architecture" {
  description = "Instruction set of both functions: x86_64, or arm64 (about 20 % cheaper per GB-second). arm64 needs the package published with -r linux-arm64; ML.NET ships FastTree's native library for linux-x64 only, so on arm64 set forecaster = \"trend\" unless you have checked that the model loads (README: Architecture)."
  type        = string
  default     = "x86_64"
  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "deletion_protection" {
  description = "Deletion protection of the rules, policies and audit tables (terraform destroy then stops at them). Turn off only for a throw-away deployment."
  type        = bool
  default     = true
}

variable "fleet_enabled" {
  description = "Govern every account and Region of the organization on a Step Functions Distributed Map (fleet.tf, docs/fleet.md): the schedule starts the fleet state machine instead of the function. false (default): one cycle of this account and member_account_ids, as before."
  type        = bool
  default     = false
}

variable "fleet_max_concurrency" {
  description = "Distributed Map MaxConcurrency: child workflows (shard batches) running at once. AWS allows up to 10,000; each running batch is one concurrent invocation of the cycle function, whose reserved concurrency becomes reserved_concurrency + this (it must fit the account's Lambda concurrency, 1,000 by default, of which 100 stay unreserved)."
  type        = number
  default     = 100
  validation {
    condition     = var.fleet_max_concurrency >= 1 && var.fleet_max_concurrency <= 1000 && floor(var.fleet_max_concurrency) == var.fleet_max_concurrency
    error_message = "fleet_max_concurrency must be a whole number from 1 to 1000."
  }
}

variable "fleet_batch_size" {
  description = "Distributed Map ItemBatcher MaxItemsPerBatch: shards (account and Region cycles) one child workflow and one function invocation run. A batch must finish inside an Express child's 5 minutes."
  type        = number
  default     = 10
  validation {
    condition     = var.fleet_batch_size >= 1 && var.fleet_batch_size <= 100 && floor(var.fleet_batch_size) == var.fleet_batch_size
    error_message = "fleet_batch_size must be a whole number from 1 to 100."
  }
}

variable "fleet_tolerated_failure_percentage" {
  description = "Distributed Map ToleratedFailurePercentage: the share of shards whose batch may fail (the function threw or timed out) before the fleet run fails and the fleet-failed alarm fires. A shard that fails as a value (a role that cannot be assumed) is reported by the summary and never counts here."
  type        = number
  default     = 5
  validation {
    condition     = var.fleet_tolerated_failure_percentage >= 0 && var.fleet_tolerated_failure_percentage <= 100
    error_message = "fleet_tolerated_failure_percentage must be between 0 and 100."
  }
}

variable "fleet_shards_at_once" {
  description = "Shards of its batch one function invocation runs at once (QA_FLEET_SHARDS_AT_ONCE): a batch then lasts about as long as its slowest shard. Each shard keeps to its share of its account's API rate, so running shards together never exceeds an account's rate."
  type        = number
  default     = 10
  validation {
    condition     = var.fleet_shards_at_once >= 1 && var.fleet_shards_at_once <= 50 && floor(var.fleet_shards_at_once) == var.fleet_shards_at_once
    error_message = "fleet_shards_at_once must be a whole number from 1 to 50."
  }
}

variable "fleet_new_shards_per_cycle" {
  description = "New shards (never run: a new account, Region or OU) one fleet cycle admits (QA_FLEET_NEW_SHARDS_PER_CYCLE); the rest wait for later cycles. A new shard backfills 14 days of usage in its first run: this keeps an organization's onboarding under the usage table's on-demand write ceiling (40,000 units a second)."
  type        = number
  default     = 2000
  validation {
    condition     = var.fleet_new_shards_per_cycle >= 1 && var.fleet_new_shards_per_cycle <= 100000 && floor(var.fleet_new_shards_per_cycle) == var.fleet_new_shards_per_cycle
    error_message = "fleet_new_shards_per_cycle must be a whole number from 1 to 100000."
  }
}

variable "fleet_table_units" {
  description = "The usage table's read and write request units a second one fleet cycle's shards split between them (QA_FLEET_TABLE_UNITS): each shard paces its usage-table reads and writes to this times its share (table_share, a new shard's backfill weighing ten others). Default: DynamoDB on-demand's default table maximum, 40,000; set the table's own maximum if it was raised or lowered."
  type        = number
  default     = 40000
  validation {
    condition     = var.fleet_table_units >= 1 && var.fleet_table_units <= 10000000
    error_message = "fleet_table_units must be from 1 to 10000000 request units a second."
  }
}

variable "fleet_retention_days" {
  description = "Days the fleet bucket keeps shard lists and Map results before they expire."
  type        = number
  default     = 3
  validation {
    condition     = var.fleet_retention_days >= 1 && var.fleet_retention_days <= 90 && floor(var.fleet_retention_days) == var.fleet_retention_days
    error_message = "fleet_retention_days must be a whole number from 1 to 90."
  }
}

variable "member_role_ous" {
  description = "Organizational unit ids (ou-…) or the root id (r-…) whose accounts get the member role from a service-managed CloudFormation StackSet with automatic deployment (stackset.tf): accounts that join later get it by themselves. Empty: no StackSet (deploy modules/member-role yourself)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for o in var.member_role_ous : can(regex("^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$", o))])
    error_message = "member_role_ous must be OU ids (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)."
  }
}

variable "stackset_call_as" {
  description = "SELF when this deployment runs in the organization's management account, DELEGATED_ADMIN in a delegated administrator account for CloudFormation StackSets."
  type        = string
  default     = "SELF"
  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.stackset_call_as)
    error_message = "stackset_call_as must be SELF or DELEGATED_ADMIN."
  }
}

variable "member_permissions_boundary_name" {
  description = "Name of an IAM policy that exists in every member account, set as the permissions boundary of the member role and the event-forwarding role the StackSets create. Null: none."
  type        = string
  default     = null
}

variable "member_event_regions" {
  description = "Regions whose AWS Health quota-breach events the member accounts of member_role_ous forward to this hub's default bus (member_events.tf): a policy on the hub's default bus lets the organization's accounts put events, and a second service-managed StackSet puts a forwarding rule and its role in each of those accounts and Regions. Empty: none (the hub sees only its own account's events)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for r in var.member_event_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))])
    error_message = "member_event_regions must be Regions (us-east-1, eu-west-2, us-gov-west-1, ...)."
  }
}
