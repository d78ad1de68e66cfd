# Cloudflare Workers cannot assume an IAM role, so the edge gateway signs its Bedrock calls with a
# long-lived access key of this user. The user may invoke the listed models and do nothing else. The key
# is created by the operator (terraform/README.md, "Edge gateway") so it never enters the Terraform state,
# and is stored only as a Worker secret. Rotate it like any key: create the second, deploy, delete the first.

resource "aws_iam_user" "edge_gateway" {
  name = var.name
  path = "/fleeex/"
  tags = var.tags
}

resource "aws_iam_user_policy" "edge_gateway" {
  name   = "bedrock-invoke"
  user   = aws_iam_user.edge_gateway.name
  policy = var.policy_json
}
