# Who can reach what:
# - internet -> public ALB :443 -> gateway (default) or ledger (only var.ledger_public_paths);
#   the public listener answers 404 to the ledger's private paths before any forward rule.
# - gateway tasks and admin networks -> internal ALB :443 -> ledger (internal API, admin).
# - optional edge: Cloudflare -> edge ALB :443, mutual TLS (client certificate signed by our CA)
#   -> ledger internal API only; the service token is still required by the ledger on top. A separate
#   load balancer because Workers ignore custom HTTPS ports, and mutual TLS on the public :443 listener
#   would turn away every browser.
# Tasks accept traffic only from their load balancers' security groups.

locals {
  public_rule_chunks = chunklist(var.ledger_public_paths, 5)
  private_chunks     = chunklist(var.ledger_private_paths, 5)
  edge_enabled       = var.edge != null
  tls_policy         = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

# ---- security groups -------------------------------------------------------------------------------

resource "aws_security_group" "public_alb" {
  name        = "${var.name}-public-alb"
  description = "Internet-facing load balancer"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "internal_alb" {
  name        = "${var.name}-internal-alb"
  description = "Internal load balancer: the ledger internal API and admin"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "gateway_tasks" {
  name        = "${var.name}-gateway-tasks"
  description = "Gateway ECS tasks"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "ledger_tasks" {
  name        = "${var.name}-ledger-tasks"
  description = "Ledger ECS tasks"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "public_https" {
  security_group_id = aws_security_group.public_alb.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS from anywhere"
}

resource "aws_vpc_security_group_ingress_rule" "public_http" {
  security_group_id = aws_security_group.public_alb.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "HTTP, redirected to HTTPS"
}

resource "aws_vpc_security_group_egress_rule" "public_alb_to_gateway" {
  security_group_id            = aws_security_group.public_alb.id
  referenced_security_group_id = aws_security_group.gateway_tasks.id
  ip_protocol                  = "tcp"
  from_port                    = var.gateway_port
  to_port                      = var.gateway_port
}

resource "aws_vpc_security_group_egress_rule" "public_alb_to_ledger" {
  security_group_id            = aws_security_group.public_alb.id
  referenced_security_group_id = aws_security_group.ledger_tasks.id
  ip_protocol                  = "tcp"
  from_port                    = var.ledger_port
  to_port                      = var.ledger_port
}

resource "aws_vpc_security_group_ingress_rule" "internal_from_gateway" {
  security_group_id            = aws_security_group.internal_alb.id
  referenced_security_group_id = aws_security_group.gateway_tasks.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "Gateway tasks calling the ledger internal API"
}

resource "aws_vpc_security_group_ingress_rule" "internal_from_admin" {
  for_each          = toset(var.admin_cidr_blocks)
  security_group_id = aws_security_group.internal_alb.id
  cidr_ipv4         = each.key
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "Operators (VPN or bastion) calling /admin"
}

resource "aws_vpc_security_group_egress_rule" "internal_alb_to_ledger" {
  security_group_id            = aws_security_group.internal_alb.id
  referenced_security_group_id = aws_security_group.ledger_tasks.id
  ip_protocol                  = "tcp"
  from_port                    = var.ledger_port
  to_port                      = var.ledger_port
}

resource "aws_vpc_security_group_ingress_rule" "gateway_from_public_alb" {
  security_group_id            = aws_security_group.gateway_tasks.id
  referenced_security_group_id = aws_security_group.public_alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.gateway_port
  to_port                      = var.gateway_port
}

resource "aws_vpc_security_group_ingress_rule" "ledger_from_public_alb" {
  security_group_id            = aws_security_group.ledger_tasks.id
  referenced_security_group_id = aws_security_group.public_alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.ledger_port
  to_port                      = var.ledger_port
}

resource "aws_vpc_security_group_ingress_rule" "ledger_from_internal_alb" {
  security_group_id            = aws_security_group.ledger_tasks.id
  referenced_security_group_id = aws_security_group.internal_alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.ledger_port
  to_port                      = var.ledger_port
}

# Tasks call AWS APIs, Stripe and (gateway) the internal load balancer over HTTPS only.
resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  for_each          = { gateway = aws_security_group.gateway_tasks.id, ledger = aws_security_group.ledger_tasks.id }
  security_group_id = each.value
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS to AWS APIs, Stripe and the internal load balancer"
}

# ---- target groups ---------------------------------------------------------------------------------

resource "aws_lb_target_group" "gateway" {
  name                 = "${var.name}-gateway"
  port                 = var.gateway_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.gateway_deregistration_delay_seconds

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_target_group" "ledger_public" {
  name                 = "${var.name}-ledger-pub"
  port                 = var.ledger_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_target_group" "ledger_internal" {
  name                 = "${var.name}-ledger-int"
  port                 = var.ledger_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

# ---- public load balancer --------------------------------------------------------------------------

resource "aws_lb" "public" {
  name                       = "${var.name}-public"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.public_alb.id]
  idle_timeout               = var.idle_timeout_seconds
  drop_invalid_header_fields = true
  enable_deletion_protection = true
  tags                       = var.tags
}

resource "aws_lb_listener" "public_http" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "public_https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = local.tls_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}

# Evaluated first: the ledger's private paths never leave the VPC through the public listener, even
# if a later rule or the gateway were to forward them.
resource "aws_lb_listener_rule" "public_block_private" {
  count        = length(local.private_chunks)
  listener_arn = aws_lb_listener.public_https.arn
  priority     = 1 + count.index

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      status_code  = "404"
      message_body = "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found.\"}}"
    }
  }

  condition {
    path_pattern {
      values = local.private_chunks[count.index]
    }
  }
}

resource "aws_lb_listener_rule" "public_ledger" {
  count        = length(local.public_rule_chunks)
  listener_arn = aws_lb_listener.public_https.arn
  priority     = 100 + count.index

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ledger_public.arn
  }

  condition {
    path_pattern {
      values = local.public_rule_chunks[count.index]
    }
  }
}

# ---- internal load balancer ------------------------------------------------------------------------

resource "aws_lb" "internal" {
  name                       = "${var.name}-internal"
  load_balancer_type         = "application"
  internal                   = true
  subnets                    = var.private_subnet_ids
  security_groups            = [aws_security_group.internal_alb.id]
  idle_timeout               = var.idle_timeout_seconds
  drop_invalid_header_fields = true
  enable_deletion_protection = true
  tags                       = var.tags
}

resource "aws_lb_listener" "internal_https" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = local.tls_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      status_code  = "404"
      message_body = "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found.\"}}"
    }
  }
}

resource "aws_lb_listener_rule" "internal_ledger" {
  count        = length(local.private_chunks)
  listener_arn = aws_lb_listener.internal_https.arn
  priority     = 100 + count.index

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ledger_internal.arn
  }

  condition {
    path_pattern {
      values = local.private_chunks[count.index]
    }
  }
}

# ---- edge path: a mutual-TLS load balancer for a gateway on Cloudflare Workers ---------------------

resource "aws_security_group" "edge_alb" {
  count       = local.edge_enabled ? 1 : 0
  name        = "${var.name}-edge-alb"
  description = "Mutual-TLS load balancer for the edge gateway"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "edge" {
  for_each          = local.edge_enabled ? toset(var.edge.allowed_cidr_blocks) : toset([])
  security_group_id = aws_security_group.edge_alb[0].id
  cidr_ipv4         = each.key
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "Cloudflare Workers presenting the edge client certificate"
}

resource "aws_vpc_security_group_egress_rule" "edge_alb_to_ledger" {
  count                        = local.edge_enabled ? 1 : 0
  security_group_id            = aws_security_group.edge_alb[0].id
  referenced_security_group_id = aws_security_group.ledger_tasks.id
  ip_protocol                  = "tcp"
  from_port                    = var.ledger_port
  to_port                      = var.ledger_port
}

resource "aws_vpc_security_group_ingress_rule" "ledger_from_edge_alb" {
  count                        = local.edge_enabled ? 1 : 0
  security_group_id            = aws_security_group.ledger_tasks.id
  referenced_security_group_id = aws_security_group.edge_alb[0].id
  ip_protocol                  = "tcp"
  from_port                    = var.ledger_port
  to_port                      = var.ledger_port
}

resource "aws_s3_bucket" "edge_trust" {
  count         = local.edge_enabled ? 1 : 0
  bucket_prefix = "${var.name}-edge-trust-"
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "edge_trust" {
  count                   = local.edge_enabled ? 1 : 0
  bucket                  = aws_s3_bucket.edge_trust[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "edge_trust" {
  count  = local.edge_enabled ? 1 : 0
  bucket = aws_s3_bucket.edge_trust[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_object" "edge_ca_bundle" {
  count   = local.edge_enabled ? 1 : 0
  bucket  = aws_s3_bucket.edge_trust[0].id
  key     = "edge-client-ca.pem"
  content = var.edge.ca_bundle_pem
}

resource "aws_lb_trust_store" "edge" {
  count                            = local.edge_enabled ? 1 : 0
  name                             = "${var.name}-edge"
  ca_certificates_bundle_s3_bucket = aws_s3_bucket.edge_trust[0].id
  ca_certificates_bundle_s3_key    = aws_s3_object.edge_ca_bundle[0].key
  tags                             = var.tags
}

resource "aws_lb_target_group" "ledger_edge" {
  count                = local.edge_enabled ? 1 : 0
  name                 = "${var.name}-ledger-edge"
  port                 = var.ledger_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb" "edge" {
  count                      = local.edge_enabled ? 1 : 0
  name                       = "${var.name}-edge"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.edge_alb[0].id]
  idle_timeout               = var.idle_timeout_seconds
  drop_invalid_header_fields = true
  enable_deletion_protection = true
  tags                       = var.tags
}

resource "aws_lb_listener" "edge_mtls" {
  count             = local.edge_enabled ? 1 : 0
  load_balancer_arn = aws_lb.edge[0].arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = local.tls_policy
  certificate_arn   = var.certificate_arn

  mutual_authentication {
    mode                             = "verify"
    trust_store_arn                  = aws_lb_trust_store.edge[0].arn
    ignore_client_certificate_expiry = false
  }

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      status_code  = "404"
      message_body = "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found.\"}}"
    }
  }
}

resource "aws_lb_listener_rule" "edge_ledger" {
  count        = local.edge_enabled ? 1 : 0
  listener_arn = aws_lb_listener.edge_mtls[0].arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ledger_edge[0].arn
  }

  condition {
    path_pattern {
      values = var.edge.forward_paths
    }
  }
}

# ---- WAF on the public load balancer ---------------------------------------------------------------
# No managed "common" rule set: its 8 KB body-size rule would block ordinary chat requests (up to 4 MB).

resource "aws_wafv2_web_acl" "public" {
  name  = "${var.name}-public"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-per-ip"
    priority = 1

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_requests_per_5_minutes_per_ip
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-per-ip"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-ip-reputation"
    priority = 2

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-ip-reputation"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 3

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-public"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "public" {
  resource_arn = aws_lb.public.arn
  web_acl_arn  = aws_wafv2_web_acl.public.arn
}
