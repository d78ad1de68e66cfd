output "stripe_secret_key_arn" {
  description = "ARN of the Stripe secret key secret."
  value       = aws_secretsmanager_secret.this["stripe_secret_key"].arn
}

output "stripe_webhook_secret_arn" {
  description = "ARN of the Stripe webhook signing secret."
  value       = aws_secretsmanager_secret.this["stripe_webhook_secret"].arn
}

output "admin_token_arn" {
  description = "ARN of the admin token secret."
  value       = aws_secretsmanager_secret.this["admin_token"].arn
}

output "owner_secret_arn" {
  description = "ARN of the owner-flow HMAC key secret."
  value       = aws_secretsmanager_secret.this["owner_secret"].arn
}

output "service_token_arn" {
  description = "ARN of the gateway-to-ledger service token secret (JSON keys current and previous)."
  value       = aws_secretsmanager_secret.this["service_token"].arn
}

output "secret_names" {
  description = "Every secret's name, by key: where the operator puts the values."
  value       = { for key, secret in aws_secretsmanager_secret.this : key => secret.name }
}
