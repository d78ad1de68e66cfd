output "identity_arn" {
  description = "ARN of the SES domain identity (the ledger may send as any address of the domain)."
  value       = aws_sesv2_email_identity.this.arn
}

output "configuration_set_name" {
  description = "Name of the SES configuration set every sign-in mail goes through."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the SES configuration set (SendEmail authorizes against it too)."
  value       = aws_sesv2_configuration_set.this.arn
}
