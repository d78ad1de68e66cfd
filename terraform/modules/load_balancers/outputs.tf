output "public_dns_name" {
  description = "DNS name of the internet-facing load balancer (alias target for the public and edge host names)."
  value       = aws_lb.public.dns_name
}

output "public_zone_id" {
  description = "Route 53 zone of the internet-facing load balancer, for alias records."
  value       = aws_lb.public.zone_id
}

output "internal_dns_name" {
  description = "DNS name of the internal load balancer (alias target for the internal ledger host name)."
  value       = aws_lb.internal.dns_name
}

output "internal_zone_id" {
  description = "Route 53 zone of the internal load balancer, for alias records."
  value       = aws_lb.internal.zone_id
}

output "public_arn_suffix" {
  description = "CloudWatch dimension of the internet-facing load balancer."
  value       = aws_lb.public.arn_suffix
}

output "internal_arn_suffix" {
  description = "CloudWatch dimension of the internal load balancer."
  value       = aws_lb.internal.arn_suffix
}

output "gateway_target_group_arn" {
  description = "Target group of the gateway service."
  value       = aws_lb_target_group.gateway.arn
}

output "ledger_public_target_group_arn" {
  description = "Target group of the ledger behind the public load balancer (pages, Stripe webhook, edge path)."
  value       = aws_lb_target_group.ledger_public.arn
}

output "ledger_internal_target_group_arn" {
  description = "Target group of the ledger behind the internal load balancer (internal API, admin)."
  value       = aws_lb_target_group.ledger_internal.arn
}

output "gateway_target_group_arn_suffix" {
  description = "CloudWatch dimension of the gateway target group."
  value       = aws_lb_target_group.gateway.arn_suffix
}

output "ledger_public_target_group_arn_suffix" {
  description = "CloudWatch dimension of the ledger's public target group."
  value       = aws_lb_target_group.ledger_public.arn_suffix
}

output "ledger_internal_target_group_arn_suffix" {
  description = "CloudWatch dimension of the ledger's internal target group."
  value       = aws_lb_target_group.ledger_internal.arn_suffix
}

output "gateway_request_count_label" {
  description = "ALBRequestCountPerTarget resource label of the gateway target group."
  value       = "${aws_lb.public.arn_suffix}/${aws_lb_target_group.gateway.arn_suffix}"
}

output "ledger_request_count_label" {
  description = "ALBRequestCountPerTarget resource label of the ledger's internal target group (the hot path)."
  value       = "${aws_lb.internal.arn_suffix}/${aws_lb_target_group.ledger_internal.arn_suffix}"
}

output "gateway_tasks_security_group_id" {
  description = "Security group of the gateway tasks."
  value       = aws_security_group.gateway_tasks.id
}

output "ledger_tasks_security_group_id" {
  description = "Security group of the ledger tasks."
  value       = aws_security_group.ledger_tasks.id
}

output "ledger_edge_target_group_arns" {
  description = "Target group of the ledger behind the edge load balancer: one element when the edge path is enabled, none otherwise."
  value       = aws_lb_target_group.ledger_edge[*].arn
}

output "edge_dns_name" {
  description = "DNS name of the edge (mutual-TLS) load balancer, or null."
  value       = local.edge_enabled ? aws_lb.edge[0].dns_name : null
}

output "edge_zone_id" {
  description = "Route 53 zone of the edge load balancer, or null."
  value       = local.edge_enabled ? aws_lb.edge[0].zone_id : null
}
