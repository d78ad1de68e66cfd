variable "name" {
  description = "Name prefix for the load balancers, target groups and security groups (at most 16 characters: target group names are capped at 32)."
  type        = string

  validation {
    condition     = length(var.name) <= 16
    error_message = "name must be at most 16 characters."
  }
}

variable "vpc_id" {
  description = "VPC the load balancers and tasks live in."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the internal load balancer."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate covering the public, internal and (if enabled) edge host names."
  type        = string
}

variable "gateway_port" {
  description = "Port the gateway container listens on (FLEEEX_GATEWAY_PORT)."
  type        = number
}

variable "ledger_port" {
  description = "Port the ledger container listens on (its FLEEEX_LEDGER_PORT variable)."
  type        = number
}

variable "ledger_public_paths" {
  description = "Path patterns the public load balancer forwards to the ledger (Stripe webhook, owner pages); everything else public goes to the gateway. At most 5 per rule, so they are split into rules of 5."
  type        = list(string)
}

variable "ledger_private_paths" {
  description = "Path patterns only the internal load balancer forwards to the ledger (gateway API, admin). The public listener answers 404 to them."
  type        = list(string)
}

variable "admin_cidr_blocks" {
  description = "Networks inside or peered with the VPC (VPN, bastion) allowed to reach the internal load balancer, i.e. the ledger's /admin routes."
  type        = list(string)
  default     = []
}

variable "gateway_deregistration_delay_seconds" {
  description = "How long a gateway task keeps serving in-flight requests after it leaves the target group: covers the longest stream (10 minutes)."
  type        = number
  default     = 600
}

variable "idle_timeout_seconds" {
  description = "Load balancer idle timeout; above the gateway's upstream idle limit (60 s) so a slow stream is cut by the gateway, not the load balancer."
  type        = number
  default     = 120
}

variable "waf_requests_per_5_minutes_per_ip" {
  description = "WAF rate-based rule: requests per client IP per 5 minutes before the public load balancer blocks it (a coarse flood guard; per-key limits live in the gateway)."
  type        = number
  default     = 30000
}

variable "edge" {
  description = "The authenticated private path for a gateway running on Cloudflare Workers: a separate internet-facing load balancer whose only listener (443: Workers ignore other HTTPS ports) requires a client certificate signed by this CA and forwards only the ledger's internal API. null disables it."
  type = object({
    ca_bundle_pem       = string
    allowed_cidr_blocks = list(string)
    forward_paths       = list(string)
  })
  default = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
