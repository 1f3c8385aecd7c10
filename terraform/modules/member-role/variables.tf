variable "automation_role_arn" {
  description = "The central QuotaAutomation Lambda's role (the root module's lambda_role_arn output)."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.automation_role_arn))
    error_message = "automation_role_arn must be an IAM role ARN."
  }
}

variable "role_name" {
  description = "Must equal the root module's member_role_name."
  type        = string
  default     = "QuotaAutomationMemberRole"
}

variable "tags" {
  description = "Tags of the role."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary" {
  description = "ARN of an IAM policy set as the role's permissions boundary. Null: none."
  type        = string
  default     = null
  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}
