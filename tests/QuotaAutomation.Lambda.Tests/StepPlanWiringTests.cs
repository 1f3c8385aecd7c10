using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Dynamo;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>The function's engine gets a step-plan store on both backends (issue 16): without one, plans are never kept.</summary>
public sealed class StepPlanWiringTests : EmbeddedFunctionTests
{
    [Fact]
    public void Embedded_TheFunctionsPortsCarryTheDatabasesStore()
    {
        Assert.Same(Backend.Plans, App.Services.Ports.Plans);
    }

    [Fact]
    public void Aws_TheFunctionsPortsCarryTheStateTablesStore()
    {
        var settings = LambdaSettings.FromEnvironment(new Dictionary<string, string?>
        {
            ["QA_RULES_TABLE"] = "qa-rules", ["QA_POLICIES_TABLE"] = "qa-policies", ["QA_USAGE_TABLE"] = "qa-usage", ["QA_AUDIT_TABLE"] = "qa-audit", ["QA_STATE_TABLE"] = "qa-state", ["QA_EVENTS_TABLE"] = "qa-events",
            ["QA_ALERT_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts", ["QA_TIME_BUDGET_SECONDS"] = "60", ["AWS_REGION"] = "us-east-1", ["QA_FORECASTER"] = "trend",
        }.GetValueOrDefault).Value;
        var client = new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("testing", "testing"), EndpointUrl = new Uri("http://127.0.0.1:9/") };
        var time = new FakeTimeProvider(Start);

        var app = Handler.Build(client, settings, time, new LambdaLog(TextWriter.Null, time, "quota-automation"));

        Assert.IsType<DynamoStepPlanStore>(app.Services.Ports.Plans); // building calls nothing: the endpoint is never reached
    }
}
