using System.Text.Json;
using System.Text.RegularExpressions;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Dynamo;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The Terraform module against the code it deploys: the tables exactly as the backend creates them, IAM with no
/// wildcard action, every API operation the clients call granted, and the audit table append-only for the Lambda.
/// (terraform validate needs a provider download; .ci/check-deploy runs fmt, the schema check and the linters.)
/// </summary>
public sealed partial class TerraformModuleTests
{
    private static readonly string Module = Path.Combine(Testing.Repository.Root, "terraform");

    /// <summary>The Lambda's policy: iam.tf and the quota-access module it includes.</summary>
    private static string LambdaPolicy() =>
        File.ReadAllText(Path.Combine(Module, "iam.tf")) + File.ReadAllText(Path.Combine(Module, "modules", "quota-access", "main.tf"));

    /// <summary>The approval function's policy document (approval_function.tf).</summary>
    private static string ApprovalsPolicy()
    {
        var text = File.ReadAllText(Path.Combine(Module, "approval_function.tf"));
        var start = text.IndexOf("data \"aws_iam_policy_document\" \"approvals\"", StringComparison.Ordinal);
        return text[start..text.IndexOf("resource \"aws_iam_role_policy\" \"approvals\"", start, StringComparison.Ordinal)];
    }

    private static string AllTerraform() => string.Join("\n", Directory.EnumerateFiles(Module, "*.tf", SearchOption.AllDirectories).Order().Select(File.ReadAllText));

    /// <summary>Every <c>actions = [...]</c> list of a policy document, with its statement's sid when it has one.</summary>
    private static List<(string Sid, string Effect, IReadOnlyList<string> Actions)> Statements(string hcl) =>
        StatementPattern().Matches(hcl).Select(m => (
            m.Groups["sid"].Success ? m.Groups["sid"].Value : "",
            m.Groups["effect"].Success ? m.Groups["effect"].Value : "Allow",
            (IReadOnlyList<string>)Quoted().Matches(m.Groups["actions"].Value).Select(q => q.Groups[1].Value).ToList())).ToList();

    [Fact]
    public void Tables_AreExactlyTheOnesTheBackendCreates()
    {
        var options = new AwsBackendOptions();
        var expected = DynamoTables.Definitions(options).ToDictionary(
            t => t.TableName["quota-automation-".Length..],
            t => new
            {
                attributes = t.AttributeDefinitions.ToDictionary(a => a.AttributeName, a => a.AttributeType.Value),
                hash_key = t.KeySchema.Single(k => k.KeyType == "HASH").AttributeName,
                indexes = (t.GlobalSecondaryIndexes ?? []).Select(i => Index(i)),
                range_key = t.KeySchema.SingleOrDefault(k => k.KeyType == "RANGE")?.AttributeName,
                ttl = !options.HandEdited(t.TableName), // DynamoTables.CreateMissingAsync: TTL on every table but the hand-edited ones
            });
        var json = JsonSerializer.Serialize(expected);
        var terraform = JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(Module, "tables.json"))));

        Assert.Equal(Canonical(json), Canonical(terraform));
    }

    /// <summary>
    /// An index as tables.json writes it: its keys, and its projection unless it is ALL (dynamodb.tf's default): KEYS_ONLY,
    /// or INCLUDE with <c>non_key_attributes</c>.
    /// </summary>
    private static Dictionary<string, object?> Index(Amazon.DynamoDBv2.Model.GlobalSecondaryIndex index)
    {
        var json = new Dictionary<string, object?>
        {
            ["hash_key"] = index.KeySchema.Single(k => k.KeyType == "HASH").AttributeName,
            ["name"] = index.IndexName,
            ["range_key"] = index.KeySchema.Single(k => k.KeyType == "RANGE").AttributeName,
        };
        if (index.Projection.ProjectionType != Amazon.DynamoDBv2.ProjectionType.ALL) json["projection"] = index.Projection.ProjectionType.Value;
        if (index.Projection.NonKeyAttributes is { Count: > 0 } included) json["non_key_attributes"] = included;
        return json;
    }

    [Fact]
    public void AuditIndexes_ProjectOnlyWhatTheirReadersRead()
    {
        var audit = DynamoTables.Definitions(new AwsBackendOptions()).Single(t => t.TableName.EndsWith("-audit", StringComparison.Ordinal));

        Assert.Equal(["rule_id-ts-index KEYS_ONLY", "kind-ts-index INCLUDE run_id,action,action_id", "shard-ts-index INCLUDE kind,run_id,action,action_id,reconciled_through"],
            audit.GlobalSecondaryIndexes.Select(i => $"{i.IndexName} {i.Projection.ProjectionType.Value} {string.Join(',', i.Projection.NonKeyAttributes ?? [])}".TrimEnd()));
    }

    [Fact]
    public void DynamoDbModule_WritesEachIndexsProjectionFromTablesJson()
    {
        var module = File.ReadAllText(Path.Combine(Module, "dynamodb.tf"));

        Assert.Contains("projection_type    = try(global_secondary_index.value.projection, \"ALL\")", module, StringComparison.Ordinal);
        Assert.Contains("non_key_attributes = try(global_secondary_index.value.non_key_attributes, null)", module, StringComparison.Ordinal);
    }

    [Fact]
    public void LambdaRole_GrantsOnTheAuditTableEveryOperationItsLogCalls()
    {
        var log = File.ReadAllText(Path.Combine(Testing.Repository.Root, "src", "QuotaAutomation.Aws", "Dynamo", "DynamoAuditLog.cs"));
        var called = DynamoOperations().Matches(log).Select(m => "dynamodb:" + m.Groups[1].Value)
            .Concat(log.Contains("DynamoBatches.GetAsync", StringComparison.Ordinal) ? ["dynamodb:BatchGetItem"] : []).Distinct()
            .Where(a => a != "dynamodb:TransactWriteItems"); // authorised per item: PutItem

        var granted = Statements(LambdaPolicy()).Single(s => s.Sid == "AuditAppendAndRead").Actions;

        Assert.Empty(called.Except(granted));
    }

    [Fact]
    public void NoStatement_GrantsAWildcardAction()
    {
        var statements = Statements(AllTerraform());

        Assert.True(statements.Count >= 20, $"found only {statements.Count} statements: the pattern no longer reads the module");
        // A Deny grants nothing: the fleet bucket's TLS-only statement denies s3:* without TLS, as AWS recommends.
        Assert.All(statements.Where(s => s.Effect == "Allow"), s => Assert.DoesNotContain(s.Actions, a => a.Contains('*', StringComparison.Ordinal)));
        Assert.DoesNotContain("not_actions", AllTerraform(), StringComparison.Ordinal);
    }

    [Fact]
    public void LambdaRole_GrantsEveryOperationTheClientsCall()
    {
        var prefixes = new Dictionary<string, string>
        {
            ["ServiceQuotasClient.cs"] = "servicequotas", ["SupportClient.cs"] = "support", ["CloudWatchClient.cs"] = "cloudwatch",
            ["StepFunctionsClient.cs"] = "states", ["EventBridgeClient.cs"] = "events", ["SnsClient.cs"] = "sns", ["KmsClient.cs"] = "kms", ["EcsClient.cs"] = "ecs",
            ["PricingClient.cs"] = "pricing",
        };
        var called = prefixes.SelectMany(p => Operation().Matches(File.ReadAllText(Path.Combine(Testing.Repository.Root, "src", "QuotaAutomation.Aws", "Clients", p.Key))).Select(m => $"{p.Value}:{m.Groups[1].Value}"))
            .Append("sns:Publish") // the Query-protocol client names its action in a form field
            // The account-limit clients (query and REST protocols) name each operation in a constant.
            .Concat(new Dictionary<string, string>
            {
                ["IamClient.cs"] = "iam", ["RdsClient.cs"] = "rds", ["AutoScalingClient.cs"] = "autoscaling", ["CloudFormationClient.cs"] = "cloudformation",
                ["Route53Client.cs"] = "route53", ["LambdaClient.cs"] = "lambda",
            }.SelectMany(p => OperationConstant().Matches(File.ReadAllText(Path.Combine(Testing.Repository.Root, "src", "QuotaAutomation.Aws", "Clients", p.Key))).Select(m => $"{p.Value}:{m.Groups[1].Value}")))
            // Rules disable|enable (DynamoRuleStore's UpdateItem) is a person's command, run with their own credentials, never by the Lambda.
            .Concat(Directory.EnumerateFiles(Path.Combine(Testing.Repository.Root, "src", "QuotaAutomation.Aws", "Dynamo"))
                .SelectMany(f => DynamoOperations().Matches(File.ReadAllText(f)).Select(m => "dynamodb:" + m.Groups[1].Value)
                    .Where(a => !(Path.GetFileName(f) == "DynamoRuleStore.cs" && a == "dynamodb:UpdateItem")))
                .Where(a => a is not ("dynamodb:ListTables" or "dynamodb:CreateTable" or "dynamodb:DescribeTable" or "dynamodb:UpdateTimeToLive"))) // init only
            .Append("sts:AssumeRole")
            // Not the code's calls: the event source mappings (edits.tf) read the rules and policies streams with the function's role.
            .Concat(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"])
            // The usage counters (Adapters/Counting): each names its operations, service:OpA+OpB, which are its IAM actions but for S3's.
            .Concat(QuotaCounters.All.SelectMany(CounterActions))
            .ToHashSet();
        // The two functions' roles together; kms:GenerateMac / kms:VerifyMac sit in dynamic blocks (only with signed links).
        var granted = Statements(LambdaPolicy()).Concat(Statements(ApprovalsPolicy())).Where(s => s.Effect == "Allow").SelectMany(s => s.Actions)
            .Concat(Quoted().Matches(LambdaPolicy() + ApprovalsPolicy()).Select(m => m.Groups[1].Value).Where(a => a.StartsWith("kms:", StringComparison.Ordinal)))
            .ToHashSet();

        Assert.True(called.Count >= 25, $"found only {called.Count} operations: the pattern no longer reads the clients");
        var missing = called.Except(granted).Where(a => a != "dynamodb:TransactWriteItems"); // authorised per item: PutItem, DeleteItem, ConditionCheckItem
        Assert.Empty(missing);
        var grantedUnused = granted.Where(a => a.StartsWith("dynamodb:", StringComparison.Ordinal)).Except(called).Except(["dynamodb:ConditionCheckItem"]);
        Assert.Empty(grantedUnused);
    }

    [Fact]
    public void CountListedResources_GrantsOnlyWhatTheCountersCall()
    {
        var counted = Statements(LambdaPolicy()).Single(s => s.Sid == "CountListedResources").Actions;

        Assert.Empty(counted.Except(QuotaCounters.All.SelectMany(CounterActions)));
    }

    [Fact]
    public void ApprovalRole_GrantsOnlyWhatTheApprovalDoorUses()
    {
        var allowed = Statements(ApprovalsPolicy()).Where(s => s.Effect == "Allow").SelectMany(s => s.Actions).Distinct().Order(StringComparer.Ordinal);

        // kms:VerifyMac is a dynamic statement: granted only with signed links; kms:Decrypt and kms:GenerateDataKey only with kms_key_arn.
        Assert.Equal(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan", "kms:Decrypt", "kms:GenerateDataKey", "kms:VerifyMac", "logs:CreateLogStream", "logs:PutLogEvents", "states:SendTaskFailure", "states:SendTaskSuccess"], allowed);
        Assert.DoesNotContain("kms:GenerateMac", ApprovalsPolicy(), StringComparison.Ordinal); // it verifies links, it cannot make them
    }

    [Fact]
    public void SendTaskDecisions_AreGrantedOnStar_TheOnlyResourceTheServiceAuthorizationReferenceAllows()
    {
        // docs/aws.md: SendTaskSuccess / SendTaskFailure list no resource type, so a state machine or execution ARN is ignored.
        var send = SendDecisions().Match(ApprovalsPolicy());

        Assert.True(send.Success, "the SendDecisions statement is missing");
        Assert.Equal("[\"*\"]", send.Groups["resources"].Value.Replace(" ", "", StringComparison.Ordinal));
        Assert.DoesNotContain(Statements(LambdaPolicy()).SelectMany(s => s.Actions), a => a.StartsWith("states:SendTask", StringComparison.Ordinal));
    }

    [Fact]
    public void ApprovalUrl_IsIamAuthenticatedByDefault_OnTheApprovalFunctionOnly()
    {
        var functions = File.ReadAllText(Path.Combine(Module, "approval_function.tf"));
        var variables = File.ReadAllText(Path.Combine(Module, "variables.tf"));

        Assert.DoesNotContain("resource \"aws_lambda_function_url\"", File.ReadAllText(Path.Combine(Module, "lambda.tf")), StringComparison.Ordinal);
        Assert.Contains("authorization_type = var.approval_links == \"signed\" ? \"NONE\" : \"AWS_IAM\"", functions, StringComparison.Ordinal);
        Assert.Matches("variable \"approval_links\" \\{[^}]*default     = \"off\"", variables);
        Assert.Single(PublicPrincipal().Matches(AllTerraform())); // the signed-links permission, and it has count = signed ? 1 : 0
        Assert.Contains("count                  = var.approval_links == \"signed\" ? 1 : 0\n  statement_id           = \"AllowSignedApprovalLinks\"", functions, StringComparison.Ordinal);
    }

    [Fact]
    public void EachFunction_HasItsOwnReservedConcurrency()
    {
        Assert.Contains("reserved_concurrent_executions = var.reserved_concurrency", File.ReadAllText(Path.Combine(Module, "lambda.tf")), StringComparison.Ordinal);
        Assert.Matches("variable \"reserved_concurrency\" \\{[^}]*default     = 5\n", File.ReadAllText(Path.Combine(Module, "variables.tf")));
        Assert.Contains("reserved_concurrent_executions = var.approval_concurrency", File.ReadAllText(Path.Combine(Module, "approval_function.tf")), StringComparison.Ordinal);
        Assert.Contains("QA_SERVES                     = \"cycle\"", File.ReadAllText(Path.Combine(Module, "lambda.tf")), StringComparison.Ordinal);
        Assert.Contains("QA_SERVES                 = \"approval_links\"", File.ReadAllText(Path.Combine(Module, "approval_function.tf")), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRole_TakesThePermissionsBoundary()
    {
        var roles = RoleBlock().Matches(AllTerraform()).Select(m => m.Value).ToList();

        Assert.Equal(6, roles.Count); // the two functions', the two state machines', the fleet schedule's, the member accounts'
        Assert.All(roles, r => Assert.Contains("permissions_boundary = var.permissions_boundary", r, StringComparison.Ordinal));
        Assert.All(new[] { "variables.tf", Path.Combine("modules", "member-role", "variables.tf") },
            f => Assert.Matches("variable \"permissions_boundary\" \\{[^}]*default     = null", File.ReadAllText(Path.Combine(Module, f))));
    }

    [Fact]
    public void LambdaRole_CannotChangeOrDeleteAuditRecords()
    {
        var statements = Statements(LambdaPolicy());

        Assert.Equal(["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], statements.Single(s => s.Sid == "AuditAppendAndRead").Actions);
        var deny = statements.Single(s => s.Sid == "AuditIsAppendOnly");
        Assert.Equal("Deny", deny.Effect);
        Assert.Contains("dynamodb:UpdateItem", deny.Actions);
        Assert.Contains("dynamodb:DeleteItem", deny.Actions);
        Assert.Contains("dynamodb:BatchWriteItem", deny.Actions);
    }

    /// <summary>
    /// The engine runs under the rules and policies people write: its role may read them and nothing else, and an explicit
    /// deny keeps any write out whatever else is attached to the role. The approval function's role cannot touch policies.
    /// </summary>
    [Theory]
    [InlineData("rules")]
    [InlineData("policies")]
    public void EngineRole_ReadsRulesAndPolicies_AndCannotWriteThem(string table)
    {
        var touching = StatementBlocks(LambdaPolicy()).Where(b => b.Contains($"table_arns[\"{table}\"]", StringComparison.Ordinal)).SelectMany(Statements).ToList();

        // Scan, and the stream reads the event source mapping makes (on the table's streams, not the table).
        Assert.Equal(["dynamodb:Scan", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            touching.Where(s => s.Effect == "Allow").SelectMany(s => s.Actions).Distinct());
        var denied = touching.Where(s => s.Effect == "Deny").SelectMany(s => s.Actions).ToHashSet();
        Assert.Superset(new HashSet<string> { "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete", "dynamodb:DeleteTable" }, denied);
        Assert.DoesNotContain(StatementBlocks(ApprovalsPolicy()), b => b.Contains("table_arns[\"policies\"]", StringComparison.Ordinal) || b.Contains("this[\"policies\"].arn", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRulesAndPoliciesTables_StreamEveryChange_ToTheFunction_WhichReadsOnlyTheirStreams()
    {
        var dynamodb = File.ReadAllText(Path.Combine(Module, "dynamodb.tf"));
        var edits = File.ReadAllText(Path.Combine(Module, "edits.tf"));
        var streams = StatementBlocks(LambdaPolicy()).Single(b => b.Contains("\"TableEditStreams\"", StringComparison.Ordinal));

        Assert.Contains("edited_tables = [\"rules\", \"policies\"]", dynamodb, StringComparison.Ordinal);
        // init (emulators, first use) creates the same two streams.
        Assert.Equal(["quota-automation-rules", "quota-automation-policies"], DynamoTables.Definitions(new AwsBackendOptions())
            .Where(t => t.StreamSpecification is { StreamEnabled: true, StreamViewType.Value: "NEW_AND_OLD_IMAGES" }).Select(t => t.TableName));
        Assert.Contains("stream_view_type = contains(local.edited_tables, each.key) ? \"NEW_AND_OLD_IMAGES\" : null", dynamodb, StringComparison.Ordinal);
        Assert.Contains("for_each = toset(local.edited_tables)", edits, StringComparison.Ordinal);
        // Who wrote them: CloudTrail's data events for the two tables reach the function through the default bus.
        var events = File.ReadAllText(Path.Combine(Module, "events.tf"));
        Assert.Contains("requestParameters = { tableName = [aws_dynamodb_table.this[\"rules\"].name, aws_dynamodb_table.this[\"policies\"].name] }", events, StringComparison.Ordinal);
        Assert.Contains("function_response_types = [\"ReportBatchItemFailures\"]", edits, StringComparison.Ordinal);
        Assert.Contains("resources = [\"${local.table_arns[\"rules\"]}/stream/*\", \"${local.table_arns[\"policies\"]}/stream/*\"]", streams, StringComparison.Ordinal);
    }

    /// <summary>Each <c>statement { … }</c> block of a policy document's text, resources included.</summary>
    private static IEnumerable<string> StatementBlocks(string hcl) =>
        hcl.Split("statement {").Skip(1).Select(b => "statement {" + (b.IndexOf("\n  }", StringComparison.Ordinal) is var end and >= 0 ? b[..end] : b));

    [Fact]
    public void DocsIamTable_NamesExactlyTheActionsTerraformGrants()
    {
        var docs = File.ReadAllText(Path.Combine(Testing.Repository.Root, "docs", "aws.md"));
        var section = docs[docs.IndexOf("## IAM permissions, per operation", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var rows = section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| permission", StringComparison.Ordinal))
            .Select(l => l.Split('|')[1].Trim()).ToList();
        static HashSet<string> Actions(IEnumerable<string> cells) => cells.SelectMany(c => IamAction().Matches(c).Select(m => m.Groups[1].Value)).ToHashSet();
        var statements = Statements(LambdaPolicy());

        Assert.Equal(statements.Where(s => s.Effect == "Allow").SelectMany(s => s.Actions).Order(StringComparer.Ordinal).Distinct(),
            Actions(rows.Where(r => !r.StartsWith("deny ", StringComparison.Ordinal))).Order(StringComparer.Ordinal));
        Assert.Equal(statements.Where(s => s.Effect == "Deny").SelectMany(s => s.Actions).Order(StringComparer.Ordinal).Distinct(),
            Actions(rows.Where(r => r.StartsWith("deny ", StringComparison.Ordinal))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MemberEvents_ForwardExactlyTheHealthBreachPattern_ToTheHubsDefaultBus()
    {
        var events = File.ReadAllText(Path.Combine(Module, "events.tf"));
        var forwarding = File.ReadAllText(Path.Combine(Module, "member_events.tf"));

        // The member's rule takes the hub rule's pattern itself, so the two cannot drift apart.
        Assert.Contains("""
                health-breach = {
                  bus     = "default"
                  pattern = { source = ["aws.health"], "detail-type" = ["AWS Health Event"], detail = { eventTypeCode = ["AWS_SERVICEQUOTAS_THRESHOLD_BREACH"] } }
                }
            """, events, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(forwarding, "EventPattern = "));
        Assert.Contains("EventPattern = local.event_rules[\"health-breach\"].pattern", forwarding, StringComparison.Ordinal);
        Assert.Contains("EventBusName = \"default\"", forwarding, StringComparison.Ordinal);
        Assert.Contains("hub_default_bus = \"arn:${local.partition}:events:${local.region}:${local.account}:event-bus/default\"", forwarding, StringComparison.Ordinal);
        Assert.Contains("Targets      = [{ Id = \"quota-automation-hub\", Arn = local.hub_default_bus, RoleArn = { \"Fn::GetAtt\" = [\"ForwardRole\", \"Arn\"] } }]", forwarding, StringComparison.Ordinal);
        // One stack instance per Region over the member role's OUs.
        Assert.Matches(@"for_each\s+= toset\(var\.member_event_regions\)", forwarding);
        Assert.Matches(@"stack_set_instance_region\s+= each\.value", forwarding);
        Assert.Contains("organizational_unit_ids = var.member_role_ous", forwarding, StringComparison.Ordinal);
        Assert.Contains("permission_model = \"SERVICE_MANAGED\"", forwarding, StringComparison.Ordinal);
    }

    [Fact]
    public void MemberEventsRole_IsAssumedByEventBridge_AndMayOnlyPutEventsOnTheHubBus()
    {
        var forwarding = File.ReadAllText(Path.Combine(Module, "member_events.tf"));
        var role = forwarding[forwarding.IndexOf("ForwardRole = {", StringComparison.Ordinal)..forwarding.IndexOf("ForwardRule = {", StringComparison.Ordinal)];

        Assert.Contains("Statement = [{ Effect = \"Allow\", Principal = { Service = \"events.amazonaws.com\" }, Action = \"sts:AssumeRole\" }]", role, StringComparison.Ordinal);
        Assert.Contains("Statement = [{ Effect = \"Allow\", Action = \"events:PutEvents\", Resource = local.hub_default_bus }]", role, StringComparison.Ordinal);
        Assert.Equal(["sts:AssumeRole", "events:PutEvents"], Regex.Matches(role, "Action += \"([^\"]+)\"").Select(m => m.Groups[1].Value));
        Assert.Equal(2, Regex.Count(role, "Statement = "));
        Assert.DoesNotContain("RoleName", role, StringComparison.Ordinal); // one stack per Region in the same account: generated names
        Assert.Contains("capabilities     = [\"CAPABILITY_IAM\"]", forwarding, StringComparison.Ordinal);
    }

    [Fact]
    public void HubBusPolicy_LetsOnlyTheOrganizationsAccountsPutEvents()
    {
        var forwarding = File.ReadAllText(Path.Combine(Module, "member_events.tf"));
        var start = forwarding.IndexOf("resource \"aws_cloudwatch_event_bus_policy\" \"member_events\" {", StringComparison.Ordinal);
        var policy = forwarding[start..forwarding.IndexOf("\n}\n", start, StringComparison.Ordinal)];

        Assert.Contains("event_bus_name = \"default\"", policy, StringComparison.Ordinal);
        Assert.Contains("Principal = \"*\"", policy, StringComparison.Ordinal);
        Assert.Contains("Action    = \"events:PutEvents\"", policy, StringComparison.Ordinal);
        Assert.Contains("Resource  = local.hub_default_bus", policy, StringComparison.Ordinal);
        Assert.Contains("Condition = { StringEquals = { \"aws:PrincipalOrgID\" = data.aws_organizations_organization.this[0].id } }", policy, StringComparison.Ordinal);
        // The only "*" principal in a JSON policy of the module is this one, and it is conditioned on the organization.
        Assert.Single(Regex.Matches(AllTerraform(), "Principal += \"\\*\""));
    }

    [Fact]
    public void MemberEvents_AreOffByDefault()
    {
        var forwarding = File.ReadAllText(Path.Combine(Module, "member_events.tf"));

        Assert.Matches("variable \"member_event_regions\" \\{[^}]*default     = \\[\\]", File.ReadAllText(Path.Combine(Module, "variables.tf")));
        Assert.Contains("member_events   = length(var.member_event_regions) > 0 ? 1 : 0", forwarding, StringComparison.Ordinal);
        var blocks = Regex.Matches(forwarding, "^(resource|data) \"[^\"]+\" \"[^\"]+\" \\{\n  (?<first>[^\n]+)", RegexOptions.Multiline);
        Assert.Equal(4, blocks.Count);
        // Every resource and data source of the file starts with its count (or for_each over the Regions): none when off.
        Assert.All(blocks, b => Assert.Contains(Regex.Replace(b.Groups["first"].Value, " +", " "), new[] { "count = local.member_events", "for_each = toset(var.member_event_regions)" }));
        Assert.Contains("length(var.member_event_regions) > 0 ? aws_cloudformation_stack_set.member_events[0].name : null", File.ReadAllText(Path.Combine(Module, "outputs.tf")), StringComparison.Ordinal);
    }

    private static string Canonical(string json)
    {
        static JsonElement Sort(JsonElement e) => JsonSerializer.SerializeToElement(e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToDictionary(p => p.Name, p => (object)Sort(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().Select(x => (object)Sort(x)).ToList(),
            _ => (object)e,
        });
        return JsonSerializer.Serialize(Sort(JsonSerializer.Deserialize<JsonElement>(json)));
    }

    /// <summary>The IAM actions of a counter's <see cref="IQuotaCounter.Name"/> (<c>kms:ListKeys+ListAliases</c>).</summary>
    private static IEnumerable<string> CounterActions(IQuotaCounter counter)
    {
        var (service, operations) = (counter.Name.Split(':')[0], counter.Name.Split(':')[1]);
        return operations.Split('+').Select(op => $"{service}:{op}" switch
        {
            "s3:ListBuckets" => "s3:ListAllMyBuckets", // IAM's name for the operation
            var action => action,
        });
    }

    // A statement block, or the content block of a dynamic "statement" (granted only when its condition holds).
    [GeneratedRegex("""(?:statement|content) \{(?:(?!(?:statement|content) \{).)*?(?:sid += "(?<sid>[^"]+)".*?)?(?:effect += "(?<effect>[^"]+)".*?)?\bactions += \[(?<actions>[^\]]*)\]""", RegexOptions.Singleline)]
    private static partial Regex StatementPattern();

    [GeneratedRegex("""sid += "SendDecisions"\s+actions += \["states:SendTaskSuccess", "states:SendTaskFailure"\]\s+resources += (?<resources>\[[^\]]*\])""")]
    private static partial Regex SendDecisions();

    [GeneratedRegex("""resource "aws_iam_role" "[^"]+" \{.*?\n\}""", RegexOptions.Singleline)]
    private static partial Regex RoleBlock();

    [GeneratedRegex("principal += \"\\*\"")]
    private static partial Regex PublicPrincipal();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex Quoted();

    [GeneratedRegex("`([a-z0-9-]+:[A-Za-z]+)`")]
    private static partial Regex IamAction();

    [GeneratedRegex(@"CallAsync<\w+>\(""(\w+)""")]
    private static partial Regex Operation();

    [GeneratedRegex(@"const string operation = ""(\w+)""")]
    private static partial Regex OperationConstant();

    [GeneratedRegex("""\.(Scan|Query|BatchWriteItem|PutItem|GetItem|DeleteItem|UpdateItem|TransactWriteItems|BatchGetItem|ListTables|CreateTable|DescribeTable|UpdateTimeToLive)Async\(""")]
    private static partial Regex DynamoOperations();
}
