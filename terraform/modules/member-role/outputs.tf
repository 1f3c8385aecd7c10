output "role_arn" {
  description = "The role the central Lambda assumes here."
  value       = aws_iam_role.member.arn
}
