# fleeex in one AWS account and region: network, tables, queues, secrets, mail, two Fargate services
# behind a public and an internal load balancer, the job functions and their schedules, alarms, and the
# optional edge path for a gateway on Cloudflare Workers. terraform/README.md is the runbook.

data "aws_caller_identity" "current" {}

locals {
  name         = "fleeex-${var.environment_name}"
  table_prefix = "${local.name}-"

  api_host             = "api.${var.domain_name}"
  ledger_internal_host = "ledger-internal.${var.domain_name}"
  edge_host            = "ledger-edge.${var.domain_name}"
  edge_enabled         = var.edge_gateway != null

  gateway_port = 8787
  ledger_port  = 8788

  # Public through the internet-facing load balancer: the gateway (default) and these ledger paths.
  ledger_public_paths = ["/stripe/webhook", "/wallet*", "/connect/*", "/signin*", "/signout*", "/checkout*"]
  # Only through the internal load balancer (and, for the internal API, the mutual-TLS edge listener).
  ledger_private_paths = ["/internal/*", "/admin", "/admin/*"]
  edge_forward_paths   = ["/internal/v1/*"]

  # One timeout for the job functions; the queues' visibility timeouts are six times it.
  job_timeout_seconds = 60

  mail_from = "no-reply@${var.domain_name}"
}

module "network" {
  source = "../../modules/network"
  name   = local.name
}

module "tables" {
  source              = "../../modules/tables"
  name_prefix         = local.table_prefix
  deletion_protection = var.table_deletion_protection
}

module "queues" {
  source                         = "../../modules/queues"
  name                           = local.name
  usage_consumer_timeout_seconds = local.job_timeout_seconds
  jobs_consumer_timeout_seconds  = local.job_timeout_seconds
}

module "secrets" {
  source = "../../modules/secrets"
  name   = local.name
}

module "mail" {
  source          = "../../modules/mail"
  name            = local.name
  domain          = var.domain_name
  route53_zone_id = var.route53_zone_id
}

# ---- certificate and host names --------------------------------------------------------------------

resource "aws_acm_certificate" "this" {
  domain_name               = local.api_host
  subject_alternative_names = [local.ledger_internal_host, local.edge_host]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "certificate_validation" {
  for_each = {
    for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => option
  }
  zone_id         = var.route53_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.certificate_validation : record.fqdn]
}

resource "aws_route53_record" "api" {
  zone_id = var.route53_zone_id
  name    = local.api_host
  type    = "A"

  alias {
    name                   = module.load_balancers.public_dns_name
    zone_id                = module.load_balancers.public_zone_id
    evaluate_target_health = true
  }
}

# A public record with private addresses: resolvable everywhere, reachable only inside the VPC.
resource "aws_route53_record" "ledger_internal" {
  zone_id = var.route53_zone_id
  name    = local.ledger_internal_host
  type    = "A"

  alias {
    name                   = module.load_balancers.internal_dns_name
    zone_id                = module.load_balancers.internal_zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "ledger_edge" {
  count   = local.edge_enabled ? 1 : 0
  zone_id = var.route53_zone_id
  name    = local.edge_host
  type    = "A"

  alias {
    name                   = module.load_balancers.edge_dns_name
    zone_id                = module.load_balancers.edge_zone_id
    evaluate_target_health = true
  }
}

# ---- images and cluster ----------------------------------------------------------------------------

resource "aws_ecr_repository" "service" {
  for_each             = toset(["gateway", "ledger"])
  name                 = "${local.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_lifecycle_policy" "service" {
  for_each   = aws_ecr_repository.service
  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the newest 50 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 50 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_ecs_cluster" "this" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

# ---- load balancers --------------------------------------------------------------------------------

module "load_balancers" {
  source               = "../../modules/load_balancers"
  name                 = local.name
  vpc_id               = module.network.vpc_id
  public_subnet_ids    = module.network.public_subnet_ids
  private_subnet_ids   = module.network.private_subnet_ids
  certificate_arn      = aws_acm_certificate_validation.this.certificate_arn
  gateway_port         = local.gateway_port
  ledger_port          = local.ledger_port
  ledger_public_paths  = local.ledger_public_paths
  ledger_private_paths = local.ledger_private_paths
  admin_cidr_blocks    = var.admin_cidr_blocks
  edge = local.edge_enabled ? {
    ca_bundle_pem       = var.edge_gateway.ca_bundle_pem
    allowed_cidr_blocks = var.edge_gateway.allowed_cidr_blocks
    forward_paths       = local.edge_forward_paths
  } : null
}

# ---- services --------------------------------------------------------------------------------------

module "ledger_service" {
  source             = "../../modules/ecs_service"
  name               = "${local.name}-ledger"
  cluster_arn        = aws_ecs_cluster.this.arn
  cluster_name       = aws_ecs_cluster.this.name
  image              = "${aws_ecr_repository.service["ledger"].repository_url}${startswith(var.ledger_image_tag, "@") ? "" : ":"}${var.ledger_image_tag}"
  ecr_repository_arn = aws_ecr_repository.service["ledger"].arn
  cpu_architecture   = var.cpu_architecture
  cpu                = var.ledger_cpu
  memory_mib         = var.ledger_memory_mib
  container_port     = local.ledger_port
  port_env_name      = "FLEEEX_LEDGER_PORT"
  environment = {
    NODE_ENV                 = "production"
    FLEEEX_ENV               = "production"
    FLEEEX_LEDGER_HOST       = "0.0.0.0"
    AWS_REGION               = var.aws_region
    FLEEEX_TABLE_PREFIX      = local.table_prefix
    FLEEEX_LEDGER_PUBLIC_URL = "https://${local.api_host}"
    FLEEEX_USAGE_QUEUE_URL   = module.queues.usage_queue_url
    FLEEEX_MAIL_FROM         = local.mail_from
  }
  secrets = {
    FLEEEX_SERVICE_TOKEN          = "${module.secrets.service_token_arn}:current::"
    FLEEEX_SERVICE_TOKEN_PREVIOUS = "${module.secrets.service_token_arn}:previous::"
    FLEEEX_ADMIN_TOKEN            = module.secrets.admin_token_arn
    FLEEEX_OWNER_SECRET           = module.secrets.owner_secret_arn
    STRIPE_SECRET_KEY             = module.secrets.stripe_secret_key_arn
    STRIPE_WEBHOOK_SECRET         = module.secrets.stripe_webhook_secret_arn
  }
  secret_arns = [
    module.secrets.service_token_arn,
    module.secrets.admin_token_arn,
    module.secrets.owner_secret_arn,
    module.secrets.stripe_secret_key_arn,
    module.secrets.stripe_webhook_secret_arn,
  ]
  task_policy_json             = data.aws_iam_policy_document.ledger_task.json
  subnet_ids                   = module.network.private_subnet_ids
  security_group_ids           = [module.load_balancers.ledger_tasks_security_group_id]
  target_group_arns = concat(
    [module.load_balancers.ledger_internal_target_group_arn, module.load_balancers.ledger_public_target_group_arn],
    module.load_balancers.ledger_edge_target_group_arns,
  )
  min_count                    = var.ledger_min_count
  max_count                    = var.ledger_max_count
  requests_per_target          = 3000
  request_count_resource_label = module.load_balancers.ledger_request_count_label
  log_retention_days           = var.log_retention_days

  # Target groups must be attached to a listener before ECS can register tasks in them.
  depends_on = [module.load_balancers]
}

module "gateway_service" {
  source             = "../../modules/ecs_service"
  name               = "${local.name}-gateway"
  cluster_arn        = aws_ecs_cluster.this.arn
  cluster_name       = aws_ecs_cluster.this.name
  image              = "${aws_ecr_repository.service["gateway"].repository_url}${startswith(var.gateway_image_tag, "@") ? "" : ":"}${var.gateway_image_tag}"
  ecr_repository_arn = aws_ecr_repository.service["gateway"].arn
  cpu_architecture   = var.cpu_architecture
  cpu                = var.gateway_cpu
  memory_mib         = var.gateway_memory_mib
  container_port     = local.gateway_port
  port_env_name      = "FLEEEX_GATEWAY_PORT"
  environment = {
    NODE_ENV                 = "production"
    FLEEEX_GATEWAY_HOST      = "0.0.0.0"
    AWS_REGION               = var.aws_region
    FLEEEX_LEDGER_URL        = "https://${local.ledger_internal_host}"
    FLEEEX_LEDGER_PUBLIC_URL = "https://${local.api_host}"
  }
  secrets = {
    FLEEEX_SERVICE_TOKEN = "${module.secrets.service_token_arn}:current::"
  }
  secret_arns                  = [module.secrets.service_token_arn]
  task_policy_json             = data.aws_iam_policy_document.bedrock_invoke.json
  subnet_ids                   = module.network.private_subnet_ids
  security_group_ids           = [module.load_balancers.gateway_tasks_security_group_id]
  target_group_arns            = [module.load_balancers.gateway_target_group_arn]
  min_count                    = var.gateway_min_count
  max_count                    = var.gateway_max_count
  requests_per_target          = 6000
  request_count_resource_label = module.load_balancers.gateway_request_count_label
  log_retention_days           = var.log_retention_days

  # Target groups must be attached to a listener before ECS can register tasks in them.
  depends_on = [module.load_balancers]
}

# ---- jobs ------------------------------------------------------------------------------------------

module "jobs" {
  source            = "../../modules/jobs"
  name              = local.name
  bundle_dir        = var.lambda_bundle_dir
  timeout_seconds   = local.job_timeout_seconds
  ledger_table_arn  = module.tables.ledger_table_arn
  ledger_index_arns = module.tables.ledger_index_arns
  rollups_table_arn = module.tables.rollups_table_arn
  usage_queue_arn   = module.queues.usage_queue_arn
  jobs_queue_arn    = module.queues.jobs_queue_arn
  environment = {
    NODE_ENV            = "production"
    FLEEEX_TABLE_PREFIX = local.table_prefix
  }
  log_retention_days = var.log_retention_days
}

# ---- alarms ----------------------------------------------------------------------------------------

module "alarms" {
  source                  = "../../modules/alarms"
  name                    = local.name
  alarm_emails            = var.alarm_emails
  dead_letter_queue_names = [module.queues.usage_dlq_name, module.queues.jobs_dlq_name]
  alert_log_group_names   = concat(values(module.jobs.log_group_names), [module.ledger_service.log_group_name])
  target_groups = {
    gateway = {
      load_balancer = module.load_balancers.public_arn_suffix
      target_group  = module.load_balancers.gateway_target_group_arn_suffix
    }
    ledger-public = {
      load_balancer = module.load_balancers.public_arn_suffix
      target_group  = module.load_balancers.ledger_public_target_group_arn_suffix
    }
    ledger-internal = {
      load_balancer = module.load_balancers.internal_arn_suffix
      target_group  = module.load_balancers.ledger_internal_target_group_arn_suffix
    }
  }
  load_balancers = {
    public   = module.load_balancers.public_arn_suffix
    internal = module.load_balancers.internal_arn_suffix
  }
  lambda_function_names = values(module.jobs.function_names)
}

# ---- edge option -----------------------------------------------------------------------------------

module "edge_access" {
  count       = local.edge_enabled ? 1 : 0
  source      = "../../modules/edge_access"
  name        = "${local.name}-edge-gateway"
  policy_json = data.aws_iam_policy_document.bedrock_invoke.json
}
