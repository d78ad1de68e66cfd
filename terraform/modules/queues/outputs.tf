output "usage_queue_url" {
  description = "URL of the usage queue (FLEEEX_USAGE_QUEUE_URL)."
  value       = aws_sqs_queue.usage.url
}

output "usage_queue_arn" {
  description = "ARN of the usage queue."
  value       = aws_sqs_queue.usage.arn
}

output "usage_queue_name" {
  description = "Name of the usage queue."
  value       = aws_sqs_queue.usage.name
}

output "usage_dlq_name" {
  description = "Name of the usage dead-letter queue (alarmed on depth)."
  value       = aws_sqs_queue.usage_dlq.name
}

output "jobs_queue_url" {
  description = "URL of the jobs queue."
  value       = aws_sqs_queue.jobs.url
}

output "jobs_queue_arn" {
  description = "ARN of the jobs queue."
  value       = aws_sqs_queue.jobs.arn
}

output "jobs_dlq_name" {
  description = "Name of the jobs dead-letter queue (alarmed on depth)."
  value       = aws_sqs_queue.jobs_dlq.name
}
