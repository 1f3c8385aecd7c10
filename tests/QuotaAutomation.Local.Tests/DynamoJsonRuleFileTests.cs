using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// DynamoDB JSON as rules files (what <c>aws dynamodb scan|get-item</c> print and the console's JSON view shows), and
/// <c>rules export</c> in both formats, round-tripping through <c>rules import</c>.
/// </summary>
public sealed class DynamoJsonRuleFileTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private const string TypedRule = """
        {"rule_id": {"S": "ec2-vcpu"}, "service_code": {"S": "ec2"}, "quota_code": {"S": "L-1216C47A"}, "region": {"S": "us-east-1"},
         "automation_level": {"S": "full_auto"}, "threshold_warning": {"N": "70"}, "approval_required": {"BOOL": true},
         "account_id": {"NULL": true}, "tags": {"L": [{"S": "team-x"}]}}
        """;

    [Theory]
    [InlineData("scan.json", "{\"Items\": [RULE], \"Count\": 1, \"ScannedCount\": 1, \"ConsumedCapacity\": null}")]
    [InlineData("get-item.json", "{\"Item\": RULE}")]
    [InlineData("items.json", "[RULE]")]
    [InlineData("console-item.json", "RULE")]
    [InlineData("scan.out", "{\"Items\": [RULE], \"Count\": 1}")]
    public async Task Validate_DynamoDbJsonShapes_AreDetectedAndValid(string name, string shape)
    {
        var (exit, output) = await _db.RunCliAsync("rules", "validate", _db.WriteFile(name, shape.Replace("RULE", TypedRule, StringComparison.Ordinal)));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains($"✓ 1 rules valid in {name}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TypedRuleWithBadValue_HasThePlainFilesMessage()
    {
        var typed = TypedRule.Replace("\"N\": \"70\"", "\"N\": \"-5\"", StringComparison.Ordinal);

        var (exit, output) = await _db.RunCliAsync("rules", "validate", _db.WriteFile("scan.json", $"{{\"Items\": [{typed}]}}"));

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("✗ rule 'ec2-vcpu': threshold_warning -5 must be > 0", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"SS\": [\"70\"]}", "a DynamoDB string set (SS)")]
    [InlineData("{\"NS\": [\"70\"]}", "a DynamoDB number set (NS)")]
    [InlineData("{\"B\": \"AQID\"}", "a DynamoDB binary (B)")]
    [InlineData("{\"BS\": [\"AQID\"]}", "a DynamoDB binary set (BS)")]
    [InlineData("{\"N\": true}", "a DynamoDB value of no type this parser knows")]
    public async Task Validate_SetOrBinaryInARuleField_IsRejectedNamingTheField_AsTheAwsStoreDoes(string value, string what)
    {
        var typed = TypedRule.Replace("{\"N\": \"70\"}", value, StringComparison.Ordinal);

        var (exit, output) = await _db.RunCliAsync("rules", "validate", _db.WriteFile("scan.json", $"{{\"Items\": [{typed}]}}"));

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains($"✗ rule 'ec2-vcpu': threshold_warning is {what}; expected a number", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PlainValueInsideATypedItem_NamesTheField()
    {
        var typed = TypedRule.Replace("{\"S\": \"us-east-1\"}", "\"us-east-1\"", StringComparison.Ordinal);

        var (_, output) = await _db.RunCliAsync("rules", "validate", _db.WriteFile("scan.json", $"[{typed}]"));

        Assert.Contains("✗ rule 'ec2-vcpu': region is plain JSON in a DynamoDB JSON item (write it typed, e.g. {\"S\": \"…\"} or {\"N\": \"70\"}); expected a Region such as 'us-east-1' or '*', or a list of them",
            output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_SetInANoteAttribute_IsRefusedNamingIt()
    {
        var typed = TypedRule.Replace("{\"L\": [{\"S\": \"team-x\"}]}", "{\"SS\": [\"team-x\"]}", StringComparison.Ordinal);

        var (exit, output) = await _db.RunCliAsync("rules", "import", _db.WriteFile("scan.json", $"{{\"Items\": [{typed}]}}"));

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("✗ rule 'ec2-vcpu': tags is a DynamoDB string set (SS), which a stored rule cannot keep: write it as a string or a list", output, StringComparison.Ordinal);
        Assert.Contains("nothing imported", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ScanOutput_StoresTheDecodedValues()
    {
        var (exit, _) = await _db.RunCliAsync("rules", "import", _db.WriteFile("scan.json", $"{{\"Items\": [{TypedRule}]}}"));

        var item = (await (await _db.OpenAsync()).Rules.LoadByIdAsync(CancellationToken.None))["ec2-vcpu"];
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal((70.0, true, null), (item["threshold_warning"], item["approval_required"], item["account_id"]));
        Assert.Equal(["team-x"], Assert.IsType<object?[]>(item["tags"]));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("dynamodb")]
    public async Task Export_ThenImportReplaceElsewhere_GivesTheSameRules(string format)
    {
        await _db.RunCliAsync("rules", "delete", "ec2-spot-typo"); // the deliberately broken sample would not import
        await _db.RunCliAsync("rules", "import", _db.WriteFile("scan.json", $"{{\"Items\": [{TypedRule}]}}"));
        var exported = Path.Combine(Path.GetDirectoryName(_db.Path)!, $"export-{format}.json");
        var other = Path.Combine(Path.GetDirectoryName(_db.Path)!, "other.db");

        var (exit, _) = await _db.RunCliAsync("rules", "export", "--format", format, "--out", exported);
        var (imported, _) = await Testing.CliRunner.RunAsync(["rules", "import", "--replace", exported, "--db", other], TimeProvider.System);
        var (_, again) = await Testing.CliRunner.RunAsync(["rules", "export", "--format", format, "--db", other], TimeProvider.System);

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (exit, imported));
        Assert.Equal(await File.ReadAllTextAsync(exported), again);
    }

    [Fact]
    public async Task Export_Dynamodb_IsWhatAwsDynamodbScanPrints()
    {
        await _db.RunCliAsync("rules", "import", "--replace", _db.WriteFile("scan.json", $"{{\"Items\": [{TypedRule}]}}"));

        var (exit, output) = await _db.RunCliAsync("rules", "export", "--format", "dynamodb");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("""
            {
              "Items": [
                {
                  "account_id": {
                    "NULL": true
                  },
                  "approval_required": {
                    "BOOL": true
                  },
                  "automation_level": {
                    "S": "full_auto"
                  },
                  "quota_code": {
                    "S": "L-1216C47A"
                  },
                  "region": {
                    "S": "us-east-1"
                  },
                  "rule_id": {
                    "S": "ec2-vcpu"
                  },
                  "service_code": {
                    "S": "ec2"
                  },
                  "tags": {
                    "L": [
                      {
                        "S": "team-x"
                      }
                    ]
                  },
                  "threshold_warning": {
                    "N": "70"
                  }
                }
              ],
              "Count": 1,
              "ScannedCount": 1
            }

            """.ReplaceLineEndings(Environment.NewLine), output[output.IndexOf('{', StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Validate_NoFileOnTheEmbeddedBackend_ExitsTwoSayingWhatItNeeds()
    {
        var (exit, output) = await _db.RunCliAsync("rules", "validate");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: rules validate needs a FILE (with --backend aws and no FILE it checks the live rules table)", output, StringComparison.Ordinal);
    }
}
