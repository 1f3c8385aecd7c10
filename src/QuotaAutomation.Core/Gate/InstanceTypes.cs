using System.Globalization;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Gate;

/// <summary>
/// EC2 instance types to vCPUs and to the On-Demand vCPU quota of their family. The size gives the vCPUs for the
/// families listed (xlarge 4, Nxlarge 4N, large 2, medium 1, and the burstable exceptions); anything else is refused
/// with a message naming the type, rather than guessed.
/// </summary>
public static class InstanceTypes
{
    /// <summary>On-Demand vCPU quotas by family letter group (Service Quotas, service <c>ec2</c>).</summary>
    public static readonly IReadOnlyDictionary<string, (string Code, string Name)> FamilyQuotas = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["standard"] = ("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"),
        ["f"] = ("L-74FC7D96", "Running On-Demand F instances"),
        ["g"] = ("L-DB2E81BA", "Running On-Demand G and VT instances"),
        ["inf"] = ("L-1945791B", "Running On-Demand Inf instances"),
        ["p"] = ("L-417A185B", "Running On-Demand P instances"),
        ["x"] = ("L-7295265B", "Running On-Demand X instances"),
        ["dl"] = ("L-6E869C2A", "Running On-Demand DL instances"),
        ["trn"] = ("L-2C3B7624", "Running On-Demand Trn instances"),
    };

    // Families whose sizes follow the usual vCPU ladder, by quota group.
    private static readonly Dictionary<string, string> Families = new(StringComparer.Ordinal)
    {
        ["a1"] = "standard", ["t2"] = "standard", ["t3"] = "standard", ["t3a"] = "standard", ["t4g"] = "standard",
        ["m4"] = "standard", ["m5"] = "standard", ["m5a"] = "standard", ["m5d"] = "standard", ["m5n"] = "standard", ["m6a"] = "standard",
        ["m6g"] = "standard", ["m6gd"] = "standard", ["m6i"] = "standard", ["m6id"] = "standard", ["m7a"] = "standard", ["m7g"] = "standard",
        ["m7i"] = "standard", ["m8g"] = "standard",
        ["c4"] = "standard", ["c5"] = "standard", ["c5a"] = "standard", ["c5d"] = "standard", ["c5n"] = "standard", ["c6a"] = "standard",
        ["c6g"] = "standard", ["c6gd"] = "standard", ["c6gn"] = "standard", ["c6i"] = "standard", ["c6in"] = "standard", ["c7a"] = "standard",
        ["c7g"] = "standard", ["c7gn"] = "standard", ["c7i"] = "standard", ["c8g"] = "standard",
        ["r4"] = "standard", ["r5"] = "standard", ["r5a"] = "standard", ["r5b"] = "standard", ["r5d"] = "standard", ["r5n"] = "standard",
        ["r6a"] = "standard", ["r6g"] = "standard", ["r6gd"] = "standard", ["r6i"] = "standard", ["r6id"] = "standard", ["r7a"] = "standard",
        ["r7g"] = "standard", ["r7i"] = "standard", ["r8g"] = "standard",
        ["d3"] = "standard", ["h1"] = "standard", ["i3"] = "standard", ["i3en"] = "standard", ["i4i"] = "standard", ["z1d"] = "standard",
        ["f1"] = "f", ["f2"] = "f",
        ["g4dn"] = "g", ["g4ad"] = "g", ["g5"] = "g", ["g5g"] = "g", ["g6"] = "g", ["g6e"] = "g", ["vt1"] = "g",
        ["inf1"] = "inf", ["inf2"] = "inf",
        ["p3"] = "p", ["p4d"] = "p", ["p5"] = "p",
        ["x1"] = "x", ["x1e"] = "x", ["x2idn"] = "x", ["x2iedn"] = "x",
        ["dl1"] = "dl", ["trn1"] = "trn", ["trn1n"] = "trn",
    };

    // Burstable sizes below large that are not one vCPU.
    private static readonly Dictionary<string, int> Burstable = new(StringComparer.Ordinal)
    {
        ["t2.nano"] = 1, ["t2.micro"] = 1, ["t2.small"] = 1, ["t2.medium"] = 2,
        ["t3.nano"] = 2, ["t3.micro"] = 2, ["t3.small"] = 2, ["t3.medium"] = 2,
        ["t3a.nano"] = 2, ["t3a.micro"] = 2, ["t3a.small"] = 2, ["t3a.medium"] = 2,
        ["t4g.nano"] = 2, ["t4g.micro"] = 2, ["t4g.small"] = 2, ["t4g.medium"] = 2,
    };

    // The largest size AWS sells is 224xlarge (u7i High Memory); a larger number is a typo, not 4 × n vCPUs.
    private const int MaxXlarge = 224;

    /// <summary>The vCPUs of <paramref name="instanceType"/> and the quota group of its family.</summary>
    public static Result<(int VCpus, string Group)> Lookup(string instanceType)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        var parts = instanceType.Trim().ToLowerInvariant().Split('.');
        if (parts.Length != 2 || !Families.TryGetValue(parts[0], out var group))
            return Result.Fail<(int, string)>($"instance type '{instanceType}' is not in the table of instance types (family '{(parts.Length == 2 ? parts[0] : instanceType)}' unknown): add it to InstanceTypes or describe it in --config");
        var size = parts[1];
        int? vcpus = Burstable.TryGetValue($"{parts[0]}.{size}", out var b) ? b
            : size switch
            {
                "medium" => 1,
                "large" => 2,
                "xlarge" => 4,
                _ when size.EndsWith("xlarge", StringComparison.Ordinal) && int.TryParse(size[..^"xlarge".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxXlarge => 4 * n,
                _ => null,
            };
        return vcpus is { } v
            ? Result.Ok((v, group))
            : Result.Fail<(int, string)>($"instance type '{instanceType}': size '{size}' has no vCPU count in the table (metal and other sizes vary by family)");
    }
}
