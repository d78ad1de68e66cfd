# What each running component may do, as named actions on named ARNs. The roles themselves live in the
# modules (ecs_service, jobs, edge_access); test/terraform checks every policy document for wildcards.

locals {
  bedrock_resource_arns = concat(
    # Any region: a cross-region inference profile routes to the same model in another region.
    [for model in var.bedrock_model_ids : "arn:aws:bedrock:*::foundation-model/${model}"],
    [for profile in var.bedrock_inference_profile_ids : "arn:aws:bedrock:${var.aws_region}:${data.aws_caller_identity.current.account_id}:inference-profile/${profile}"],
  )
}

# Gateway (ECS task role, and the edge gateway's IAM user): call the listed models, nothing else.
data "aws_iam_policy_document" "bedrock_invoke" {
  statement {
    sid       = "InvokeListedModels"
    actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = local.bedrock_resource_arns
  }
}

# Ledger: the only writer of money. Reads and conditional writes on both tables, relays the outbox to
# the usage queue, sends sign-in mail through the configured SES identity.
data "aws_iam_policy_document" "ledger_task" {
  statement {
    sid = "LedgerTable"
    actions = [
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:UpdateItem",
    ]
    resources = [module.tables.ledger_table_arn]
  }

  statement {
    sid       = "LedgerIndexes"
    actions   = ["dynamodb:Query"]
    resources = module.tables.ledger_index_arns
  }

  statement {
    sid       = "ReadRollups"
    actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
    resources = [module.tables.rollups_table_arn]
  }

  statement {
    sid       = "RelayOutbox"
    actions   = ["sqs:SendMessage"]
    resources = [module.queues.usage_queue_arn]
  }

  statement {
    sid       = "SendSignInMail"
    actions   = ["ses:SendEmail"]
    resources = [module.mail.identity_arn, module.mail.configuration_set_arn]
  }
}
