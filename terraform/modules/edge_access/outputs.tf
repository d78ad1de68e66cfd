output "user_name" {
  description = "IAM user to create the edge gateway's access key for."
  value       = aws_iam_user.edge_gateway.name
}
