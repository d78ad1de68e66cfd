variable "name" {
  description = "Service name, e.g. \"fleeex-prod-ledger\"; also names the task family, roles and log group."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster the service runs in."
  type        = string
}

variable "cluster_name" {
  description = "Name of that cluster (Application Auto Scaling addresses services by cluster and service name)."
  type        = string
}

variable "image" {
  description = "Container image, ideally pinned by digest (<repository URL>@sha256:...)."
  type        = string
}

variable "ecr_repository_arn" {
  description = "ECR repository the image is pulled from; the execution role may pull from it and nothing else."
  type        = string
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks: ARM64 (Graviton, cheaper) or X86_64. The image must be built for it."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be ARM64 or X86_64."
  }
}

variable "cpu" {
  description = "Fargate task CPU units (1024 = 1 vCPU)."
  type        = number
}

variable "memory_mib" {
  description = "Fargate task memory in MiB."
  type        = number
}

variable "container_port" {
  description = "Port the container listens on; also passed to it through port_env_name."
  type        = number
}

variable "port_env_name" {
  description = "Name of the environment variable that tells the process which port to listen on."
  type        = string
}

variable "environment" {
  description = "Plain environment variables of the container (never secrets)."
  type        = map(string)
}

variable "secrets" {
  description = "Environment variables filled from Secrets Manager at task start: name -> secret ARN, optionally with \":<json-key>::\" appended."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "ARNs of the secrets named in var.secrets (without JSON-key suffixes): the execution role may read these and no others."
  type        = list(string)
  default     = []
}

variable "task_policy_json" {
  description = "IAM policy document of the task role: what the running process may do (built in the environment from aws_iam_policy_document)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the tasks."
  type        = list(string)
}

variable "target_group_arns" {
  description = "Load balancer target groups the tasks register with (the ledger sits behind two)."
  type        = list(string)
}

variable "health_check_path" {
  description = "HTTP path the container health check calls inside the task."
  type        = string
  default     = "/healthz"
}

variable "health_check_grace_period_seconds" {
  description = "Seconds after start during which failing load-balancer health checks do not stop a task."
  type        = number
  default     = 30
}

variable "min_count" {
  description = "Fewest running tasks (at least 2 for one per zone)."
  type        = number
  default     = 2
}

variable "max_count" {
  description = "Most running tasks autoscaling may start."
  type        = number
  default     = 10
}

variable "cpu_target_percent" {
  description = "Autoscaling keeps average CPU near this percentage."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "Autoscaling keeps requests per task per minute (ALBRequestCountPerTarget) near this."
  type        = number
}

variable "request_count_resource_label" {
  description = "\"<load balancer arn suffix>/<target group arn suffix>\" whose request count drives scaling."
  type        = string
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the service's logs."
  type        = number
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
