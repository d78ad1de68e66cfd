# SES domain identity for sign-in codes, DKIM-signed through Route 53 records. A new account's SES is in
# the sandbox (it only delivers to verified addresses): request production access before launch
# (terraform/README.md, step 6).

resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = "${var.name}-signin"

  delivery_options {
    tls_policy = "REQUIRE"
  }

  reputation_options {
    reputation_metrics_enabled = true
  }

  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }

  tags = var.tags
}

resource "aws_sesv2_email_identity" "this" {
  email_identity         = var.domain
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  tags                   = var.tags
}

resource "aws_route53_record" "dkim" {
  count   = 3 # Easy DKIM always issues three tokens
  zone_id = var.route53_zone_id
  name    = "${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[count.index]}._domainkey.${var.domain}"
  type    = "CNAME"
  ttl     = 1800
  records = ["${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[count.index]}.dkim.amazonses.com"]
}
