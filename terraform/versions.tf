terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.27.0 is the first release that accepts runtime = "dotnet10" (hashicorp/terraform-provider-aws#45864);
      # data.aws_region.current.region is 6.x. .ci/check-deploy validates with 5.100 and says what it substitutes.
      version = ">= 6.27, < 7.0"
    }
  }
}
