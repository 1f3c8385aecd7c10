# The approval state machine from approval.asl.json (executed on moto_server by the tests).
resource "aws_sfn_state_machine" "approval" {
  name     = local.approval_state_machine_name
  role_arn = aws_iam_role.approval.arn
  definition = templatefile("${path.module}/approval.asl.json", {
    function_arn       = aws_lambda_function.this.arn
    approval_topic_arn = aws_sns_topic.approvals.arn
  })
  tags = local.tags
}

resource "aws_iam_role" "approval" {
  name                 = "${var.name}-approval"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.states_trust.json
  tags                 = local.tags
}

data "aws_iam_policy_document" "states_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

data "aws_iam_policy_document" "approval" {
  statement {
    sid       = "InvokeTheFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn, "${aws_lambda_function.this.arn}:*"]
  }
  statement {
    sid       = "AskApprovers"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.approvals.arn]
  }
  statement {
    sid       = "EncryptedTopic"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [local.topic_key_arn]
  }
}

resource "aws_iam_role_policy" "approval" {
  name   = "approval"
  role   = aws_iam_role.approval.id
  policy = data.aws_iam_policy_document.approval.json
}
