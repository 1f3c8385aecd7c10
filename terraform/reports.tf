# The weekly report (docs/report.md): a schedule invokes the cycle function with {"report": "weekly"}; it writes one
# self-contained HTML page to this bucket (reports/YYYY/MM/DD/) and announces it on the alert topic. Readers of the
# bucket are whoever the account's IAM lets read it: nothing here makes it public.
locals {
  report_bucket_name = "${var.name}-reports-${local.account}"
  report_bucket_arn  = "arn:${local.partition}:s3:::${local.report_bucket_name}"
}

resource "aws_s3_bucket" "reports" {
  bucket = local.report_bucket_name
  tags   = local.tags
}

resource "aws_s3_bucket_ownership_controls" "reports" {
  bucket = aws_s3_bucket.reports.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket                  = aws_s3_bucket.reports.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {
  bucket = aws_s3_bucket.reports.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn != null ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "reports" {
  bucket = aws_s3_bucket.reports.id
  rule {
    id     = "expire-reports"
    status = "Enabled"
    filter {}
    expiration {
      days = var.report_retention_days
    }
  }
}

resource "aws_s3_bucket_policy" "reports" {
  bucket     = aws_s3_bucket.reports.id
  policy     = data.aws_iam_policy_document.reports_bucket.json
  depends_on = [aws_s3_bucket_public_access_block.reports]
}

data "aws_iam_policy_document" "reports_bucket" {
  statement {
    sid    = "TlsOnly"
    effect = "Deny"
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions   = ["s3:*"]
    resources = [local.report_bucket_arn, "${local.report_bucket_arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_cloudwatch_event_rule" "report" {
  name                = "${var.name}-report"
  description         = "Writes the QuotaAutomation report of the last week"
  schedule_expression = var.report_schedule
  tags                = local.tags
}

resource "aws_cloudwatch_event_target" "report" {
  rule = aws_cloudwatch_event_rule.report.name
  arn  = aws_lambda_function.this.arn
  # A fleet deployment's report is the organization's: every active account, read through its member role; of the
  # Regions report_regions names (default: the function's).
  input = !var.fleet_enabled && length(var.report_regions) == 0 ? jsonencode({ report = "weekly" }) : jsonencode({
    report = merge({ days = 7 }, var.fleet_enabled ? { ou = "organization" } : {}, length(var.report_regions) > 0 ? { regions = var.report_regions } : {})
  })
}

resource "aws_lambda_permission" "report" {
  statement_id  = "AllowReportSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.report.arn
}
