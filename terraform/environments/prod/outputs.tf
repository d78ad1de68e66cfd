output "api_url" {
  description = "Public base URL: the gateway (/v1), owner pages and the Stripe webhook (/stripe/webhook)."
  value       = "https://${local.api_host}"
}

output "stripe_webhook_url" {
  description = "Endpoint to register in the Stripe dashboard (Developers -> Webhooks)."
  value       = "https://${local.api_host}/stripe/webhook"
}

output "ledger_internal_url" {
  description = "Ledger internal and admin base URL, reachable only from inside the VPC (and admin_cidr_blocks)."
  value       = "https://${local.ledger_internal_host}"
}

output "ledger_edge_url" {
  description = "Mutual-TLS base URL for an edge gateway (FLEEEX_LEDGER_URL in gateway/wrangler.toml), or null."
  value       = local.edge_enabled ? "https://${local.edge_host}" : null
}

output "ecr_repository_urls" {
  description = "Where to push the images, by service."
  value       = { for key, repository in aws_ecr_repository.service : key => repository.repository_url }
}

output "secret_names" {
  description = "Secrets Manager names to put values into before the services can start."
  value       = module.secrets.secret_names
}

output "table_prefix" {
  description = "FLEEEX_TABLE_PREFIX of this environment."
  value       = local.table_prefix
}

output "usage_queue_url" {
  description = "FLEEEX_USAGE_QUEUE_URL of this environment."
  value       = module.queues.usage_queue_url
}

output "ecs_cluster_name" {
  description = "ECS cluster running both services."
  value       = aws_ecs_cluster.this.name
}

output "edge_gateway_iam_user" {
  description = "IAM user whose access key the edge gateway signs Bedrock calls with, or null."
  value       = local.edge_enabled ? module.edge_access[0].user_name : null
}

output "alarm_topic_arn" {
  description = "SNS topic of every alarm."
  value       = module.alarms.topic_arn
}
