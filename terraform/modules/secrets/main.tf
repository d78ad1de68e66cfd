# Secret containers only. Values are put by the operator (terraform/README.md, step 2) with
# `aws secretsmanager put-secret-value`, never by Terraform, so no secret ever lands in the state file.
# ECS injects them into the containers at start: a new value needs a new deployment to take effect.

locals {
  secrets = {
    stripe_secret_key     = "Stripe secret API key (sk_live_... or sk_test_...), read by the ledger as STRIPE_SECRET_KEY."
    stripe_webhook_secret = "Signing secret of the Stripe webhook endpoint (whsec_...), read by the ledger as STRIPE_WEBHOOK_SECRET."
    admin_token           = "Bearer token for the ledger's /admin routes (FLEEEX_ADMIN_TOKEN, at least 32 characters)."
    owner_secret          = "Key of the HMACs over sign-in codes and CSRF tokens (FLEEEX_OWNER_SECRET, at least 32 characters)."
    service_token         = "JSON {\"current\": token the gateway sends, \"previous\": a second token the ledger also accepts (equal to current outside a rotation)}."
  }
}

resource "aws_secretsmanager_secret" "this" {
  for_each                = local.secrets
  name                    = "${var.name}/${replace(each.key, "_", "-")}"
  description             = each.value
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = var.tags
}
