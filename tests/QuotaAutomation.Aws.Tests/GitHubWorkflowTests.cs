using System.Text.RegularExpressions;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The workflows as a careful reviewer reads them: every action pinned to a commit, the deployment gate uploads no plan
/// (it holds secrets in clear), applies only behind an environment and never two at once, and installs the released
/// CLI rather than building it; CI needs nothing outside this repository. (actionlint runs in .ci/check-deploy.)
/// </summary>
public sealed partial class GitHubWorkflowTests
{
    private static readonly string Workflows = Path.Combine(Testing.Repository.Root, ".github", "workflows");

    private static string Read(string name) => File.ReadAllText(Path.Combine(Workflows, name));

    [Fact]
    public void EveryAction_IsPinnedToACommit_WithItsTagInAComment()
    {
        var uses = Directory.EnumerateFiles(Workflows, "*.yml").SelectMany(File.ReadAllLines).Where(l => l.TrimStart().StartsWith("- uses:", StringComparison.Ordinal) || l.TrimStart().StartsWith("uses:", StringComparison.Ordinal)).ToList();

        Assert.True(uses.Count >= 10, $"found only {uses.Count} uses: lines");
        Assert.All(uses, l => Assert.Matches(PinnedAction(), l));
    }

    [Fact]
    public void QuotaGate_KeepsOnlyTheQuotaAnalysis_NeverThePlan()
    {
        var gate = Read("quota-gate.yml");
        var upload = gate[gate.IndexOf("uses: actions/upload-artifact@", StringComparison.Ordinal)..];
        upload = upload[..upload.IndexOf("\n      - ", StringComparison.Ordinal)];

        Assert.Contains("path: ${{ runner.temp }}/quota-check.json\n", upload, StringComparison.Ordinal);
        Assert.DoesNotContain("plan", upload.Replace("quota-check", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Single(Regex.Matches(gate, "upload-artifact@"));
    }

    [Fact]
    public void QuotaGate_AppliesOnlyInTheEnvironmentsJob_OneRunAtATime()
    {
        var gate = Read("quota-gate.yml");
        var apply = gate[gate.IndexOf("\n  apply:\n", StringComparison.Ordinal)..];

        Assert.Contains("    environment: ${{ inputs.environment }}\n", apply, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(gate, "terraform apply "));
        Assert.Contains("terraform apply -input=false tfplan", apply, StringComparison.Ordinal);
        Assert.Contains("concurrency:\n  group: quota-gate-${{ github.repository }}-${{ inputs.working-directory }}-${{ github.ref }}\n  cancel-in-progress: false\n", gate, StringComparison.Ordinal);
    }

    [Fact]
    public void QuotaGate_InstallsTheReleasedTool_InsteadOfBuildingTheCli()
    {
        var gate = Read("quota-gate.yml");

        Assert.Equal(2, Regex.Count(gate, "dotnet tool install ")); // the gate job and the apply job
        Assert.Contains("args=(QuotaAutomation.Cli --global --add-source \"$SOURCE\")", gate, StringComparison.Ordinal);
        Assert.DoesNotMatch("dotnet (publish|build|run)", gate);
        Assert.DoesNotContain("repository:", gate, StringComparison.Ordinal);
    }

    [Fact]
    public void Ci_NeedsNothingOutsideThisRepository()
    {
        var ci = Read("ci.yml");

        Assert.DoesNotContain("../", ci, StringComparison.Ordinal);
        Assert.DoesNotContain("repository:", ci, StringComparison.Ordinal);
        Assert.DoesNotContain("${{ vars.", ci, StringComparison.Ordinal);
        Assert.Contains("run: .ci/run", ci, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"uses: [a-z0-9-]+/[a-z0-9-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")]
    private static partial Regex PinnedAction();
}
