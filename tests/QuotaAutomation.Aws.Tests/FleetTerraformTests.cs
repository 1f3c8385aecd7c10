using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The fleet's Terraform (fleet.tf, stackset.tf, fleet.asl.json) against what it must be: off by default so existing
/// deployments do not change, the state machine's placeholders exactly what fleet.tf fills, retries on Lambda throttles,
/// the roles least-privilege, the bucket private, TLS-only and expiring, the StackSet's role the member-role module's.
/// (.ci/check-deploy validates, plans, applies and destroys examples/organization on moto with the fleet on.)
/// </summary>
public sealed partial class FleetTerraformTests
{
    private static readonly string Module = Path.Combine(Testing.Repository.Root, "terraform");

    private static string Read(string file) => File.ReadAllText(Path.Combine(Module, file));

    private static JsonNode Definition() => JsonNode.Parse(Placeholder().Replace(Read("fleet.asl.json"), "1"))!;

    /// <summary>A policy document's statements: sid and actions (fleet.tf writes one sid per statement).</summary>
    private static Dictionary<string, string[]> Statements(string document)
    {
        var text = Read("fleet.tf");
        var start = text.IndexOf($"data \"aws_iam_policy_document\" \"{document}\" {{", StringComparison.Ordinal);
        var end = text.IndexOf("\n}\n", start, StringComparison.Ordinal);
        return StatementPattern().Matches(text[start..end]).ToDictionary(m => m.Groups["sid"].Value,
            m => Quoted().Matches(m.Groups["actions"].Value).Select(q => q.Groups[1].Value).ToArray());
    }

    [Fact]
    public void FleetEnabled_IsOffByDefault_AndAddsNothingToTheFunctionWhenOff()
    {
        Assert.Matches("variable \"fleet_enabled\" \\{[^}]*default     = false", Read("variables.tf"));
        Assert.Contains("""
              fleet_environment = var.fleet_enabled ? {
                QA_FLEET_BUCKET               = local.fleet_bucket_name
                QA_FLEET_SHARDS_AT_ONCE       = tostring(var.fleet_shards_at_once)
                QA_FLEET_NEW_SHARDS_PER_CYCLE = tostring(var.fleet_new_shards_per_cycle)
                QA_FLEET_TABLE_UNITS          = tostring(var.fleet_table_units)
              } : {}
            """, Read("fleet.tf"), StringComparison.Ordinal);
        Assert.Contains("reserved_concurrent_executions = var.reserved_concurrency + (var.fleet_enabled ? var.fleet_max_concurrency : 0)", Read("lambda.tf"), StringComparison.Ordinal);
        Assert.Contains("arn      = var.fleet_enabled ? aws_sfn_state_machine.fleet[0].arn : aws_lambda_function.this.arn", Read("lambda.tf"), StringComparison.Ordinal);
        // Every fleet resource exists only with fleet_enabled (count = local.fleet); rules, not Terraform, own the quota request template.
        var resources = Regex.Matches(Read("fleet.tf"), "resource \"(\\w+)\" \"(\\w+)\" \\{\n  (\\w+)").Select(m => (Type: m.Groups[1].Value, Meta: m.Groups[3].Value)).ToList();
        Assert.Equal(14, resources.Count);
        Assert.All(resources, r => Assert.Equal("count", r.Meta));
    }

    [Fact]
    public void Definition_PlaceholdersAreExactlyWhatFleetTfFills()
    {
        var used = Placeholder().Matches(Read("fleet.asl.json")).Select(m => m.Groups[1].Value).ToHashSet();
        var call = Read("fleet.tf");
        call = call[call.IndexOf("templatefile(\"${path.module}/fleet.asl.json\", {", StringComparison.Ordinal)..];
        var filled = Regex.Matches(call[..call.IndexOf("})", StringComparison.Ordinal)], "^\\s+(\\w+)\\s+=", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(filled.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Definition_IsADistributedMapOfExpressChildren_ReadingJsonLines_InBatches()
    {
        var map = Definition()["States"]!["Shards"]!;

        Assert.Equal(("DISTRIBUTED", "EXPRESS"), ((string?)map["ItemProcessor"]!["ProcessorConfig"]!["Mode"], (string?)map["ItemProcessor"]!["ProcessorConfig"]!["ExecutionType"]));
        Assert.Equal(("arn:aws:states:::s3:getObject", "JSONL", "$.plan.bucket", "$.plan.key"),
            ((string?)map["ItemReader"]!["Resource"], (string?)map["ItemReader"]!["ReaderConfig"]!["InputType"], (string?)map["ItemReader"]!["Parameters"]!["Bucket.$"], (string?)map["ItemReader"]!["Parameters"]!["Key.$"]));
        Assert.Equal("$.plan.fleet_run_id", (string?)map["ItemBatcher"]!["BatchInput"]!["fleet_run_id.$"]);
        Assert.Equal("arn:aws:states:::s3:putObject", (string?)map["ResultWriter"]!["Resource"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"fleet":"shard","Items.$":"$.Items","BatchInput.$":"$.BatchInput"}"""), map["ItemProcessor"]!["States"]!["Shard"]!["Parameters"]!["Payload"]));
    }

    [Fact]
    public void EveryLambdaTask_RetriesThrottles_TheShardTaskWithJitteredBackoff()
    {
        var definition = Definition();
        var tasks = new[] { definition["States"]!["Plan"]!, definition["States"]!["Shards"]!["ItemProcessor"]!["States"]!["Shard"]!, definition["States"]!["Summary"]! };
        var shardThrottles = tasks[1]["Retry"]!.AsArray().Single(r => r!["ErrorEquals"]!.AsArray().Select(e => (string?)e).Contains("Lambda.TooManyRequestsException"))!;

        Assert.All(tasks, t => Assert.Contains("Lambda.TooManyRequestsException", t["Retry"]!.AsArray().SelectMany(r => r!["ErrorEquals"]!.AsArray()).Select(e => (string?)e)));
        Assert.Equal((2.0, "FULL", 8), ((double)shardThrottles["BackoffRate"]!, (string?)shardThrottles["JitterStrategy"], (int)shardThrottles["MaxAttempts"]!));
    }

    [Fact]
    public void StateMachineRole_InvokesTheFunction_ReadsShards_WritesResults_RunsItsOwnChildren()
    {
        var statements = Statements("fleet");

        Assert.Equal(["lambda:InvokeFunction"], statements["InvokeTheFunction"]);
        Assert.Equal(["s3:GetObject"], statements["ReadShards"]);
        Assert.Equal(["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"], statements["WriteResults"]);
        Assert.Equal(["states:StartExecution"], statements["StartChildWorkflows"]);
        Assert.Equal(["states:DescribeExecution", "states:StopExecution"], statements["FollowChildWorkflows"]);
        Assert.Contains("resources = [\"${local.fleet_bucket_arn}/shards/*\"]", Read("fleet.tf"), StringComparison.Ordinal);
        Assert.Contains("resources = [\"arn:${local.partition}:states:${local.region}:${local.account}:execution:${local.fleet_state_machine_name}/*\"]", Read("fleet.tf"), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionFleetPolicy_ReadsTheOrganizationOnly_AndAssumesOnlyTheMemberRole()
    {
        var statements = Statements("lambda_fleet");

        Assert.All(statements["ReadTheOrganization"], a => Assert.Matches("^organizations:(Describe|List)", a));
        Assert.Equal(["sts:AssumeRole"], statements["MemberRolesInTheOrganization"]);
        Assert.Contains("resources = [\"arn:${local.partition}:iam::*:role/${var.member_role_name}\"]", Read("fleet.tf"), StringComparison.Ordinal);
        Assert.Equal(["s3:PutObject"], statements["WriteShards"]);
        Assert.Equal(["s3:GetObject"], statements["ReadResults"]);
    }

    [Fact]
    public void FleetBucket_IsPrivate_TlsOnly_Encrypted_AndExpires()
    {
        var fleet = Read("fleet.tf");

        Assert.Contains("object_ownership = \"BucketOwnerEnforced\"", fleet, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(fleet, "(block_public_acls|block_public_policy|ignore_public_acls|restrict_public_buckets) += true"));
        Assert.Matches("sid    = \"TlsOnly\"\\s+effect = \"Deny\"[\\s\\S]*?variable = \"aws:SecureTransport\"\\s+values   = \\[\"false\"\\]", fleet);
        Assert.Contains("sse_algorithm     = var.kms_key_arn != null ? \"aws:kms\" : \"AES256\"", fleet, StringComparison.Ordinal);
        Assert.Matches("expiration \\{\\s+days = var.fleet_retention_days", fleet);
    }

    [Fact]
    public void StackSetRole_HasTheMemberRoleModulesPolicy_AndTrustsOnlyTheFunctionsRole()
    {
        var stackset = Read("stackset.tf");

        // The same quota-access module as modules/member-role, its account placeholder swapped for each account's own.
        Assert.Contains("source             = \"./modules/quota-access\"", stackset, StringComparison.Ordinal);
        Assert.Contains("Principal = { AWS = aws_iam_role.lambda.arn }", stackset, StringComparison.Ordinal);
        Assert.Contains("permission_model = \"SERVICE_MANAGED\"", stackset, StringComparison.Ordinal);
        Assert.Matches("auto_deployment \\{\\s+enabled                          = true", stackset);
        Assert.Contains("organizational_unit_ids = var.member_role_ous", stackset, StringComparison.Ordinal);
        Assert.Contains("source             = \"../quota-access\"", File.ReadAllText(Path.Combine(Module, "modules", "member-role", "main.tf")), StringComparison.Ordinal);
    }

    [GeneratedRegex("\\$\\{(\\w+)\\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("""sid += "(?<sid>[^"]+)".*?\bactions += \[(?<actions>[^\]]*)\]""", RegexOptions.Singleline)]
    private static partial Regex StatementPattern();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex Quoted();
}
