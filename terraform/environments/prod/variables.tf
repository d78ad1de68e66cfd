variable "aws_region" {
  description = "Region everything runs in; Bedrock must offer the listed models there (or through the listed inference profiles)."
  type        = string
  default     = "eu-central-1"
}

variable "environment_name" {
  description = "Short environment name used in resource names and tags."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,8}$", var.environment_name))
    error_message = "environment_name must be 2-9 lowercase letters, digits or dashes."
  }
}

variable "domain_name" {
  description = "Domain fleeex is served under, e.g. \"fleeex.example.com\": api.<domain> is public, ledger-internal.<domain> resolves to the internal load balancer, sign-in mail comes from <domain>."
  type        = string
}

variable "route53_zone_id" {
  description = "Route 53 public hosted zone of domain_name (certificate validation, DKIM, and the host name records)."
  type        = string
}

variable "gateway_image_tag" {
  description = "Tag (or \"@sha256:...\" digest suffix) of the gateway image in its ECR repository."
  type        = string
}

variable "ledger_image_tag" {
  description = "Tag (or \"@sha256:...\" digest suffix) of the ledger image in its ECR repository."
  type        = string
}

variable "cpu_architecture" {
  description = "CPU architecture of the ECS tasks (ARM64 or X86_64); build the images for it (docker buildx --platform)."
  type        = string
  default     = "ARM64"
}

variable "bedrock_model_ids" {
  description = "Bedrock foundation models the gateway may invoke (every model of the price table must be here)."
  type        = list(string)
  default = [
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "anthropic.claude-sonnet-4-20250514-v1:0",
    "amazon.nova-micro-v1:0",
    "amazon.nova-lite-v1:0",
    "amazon.nova-pro-v1:0",
    "meta.llama3-3-70b-instruct-v1:0",
    "mistral.mistral-large-2407-v1:0",
  ]
}

variable "bedrock_inference_profile_ids" {
  description = "Cross-region inference profiles the gateway may invoke (e.g. \"eu.anthropic.claude-sonnet-4-20250514-v1:0\"); newer Claude models are served on demand only through one."
  type        = list(string)
  default     = []
}

variable "gateway_cpu" {
  description = "Fargate CPU units per gateway task (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "gateway_memory_mib" {
  description = "Memory per gateway task in MiB."
  type        = number
  default     = 2048
}

variable "gateway_min_count" {
  description = "Fewest gateway tasks."
  type        = number
  default     = 2
}

variable "gateway_max_count" {
  description = "Most gateway tasks."
  type        = number
  default     = 20
}

variable "ledger_cpu" {
  description = "Fargate CPU units per ledger task."
  type        = number
  default     = 1024
}

variable "ledger_memory_mib" {
  description = "Memory per ledger task in MiB."
  type        = number
  default     = 2048
}

variable "ledger_min_count" {
  description = "Fewest ledger tasks."
  type        = number
  default     = 2
}

variable "ledger_max_count" {
  description = "Most ledger tasks."
  type        = number
  default     = 10
}

variable "admin_cidr_blocks" {
  description = "Networks (VPN, bastion) allowed to reach the internal load balancer, where the ledger's /admin routes are served."
  type        = list(string)
  default     = []
}

variable "alarm_emails" {
  description = "Addresses that receive alarm notifications."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps service and job logs."
  type        = number
  default     = 90
}

variable "lambda_bundle_dir" {
  description = "Where `node docker/bundle.mjs lambdas` wrote the job bundles, relative to this directory."
  type        = string
  default     = "../../../dist/lambda"
}

variable "table_deletion_protection" {
  description = "Deletion protection on the DynamoDB tables."
  type        = bool
  default     = true
}

variable "edge_gateway" {
  description = "Enables the edge option (gateway on Cloudflare Workers): the PEM bundle of the CA that signs the Worker's client certificate, and the source ranges allowed to reach the mutual-TLS listener (Cloudflare's published IP ranges). null: no edge path."
  type = object({
    ca_bundle_pem       = string
    allowed_cidr_blocks = list(string)
  })
  default = null
}
