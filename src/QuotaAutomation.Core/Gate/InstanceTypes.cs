using System.Globalization;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Gate;

/// <summary>
/// EC2 instance types to vCPUs and to the On-Demand vCPU quota of their family. vCPUs come first from what the caller
/// knows (EC2 DescribeInstanceTypes on AWS, a user's <c>--instance-types</c> file); then, offline, from the built-in
/// table: the size gives the vCPUs for the families listed (xlarge 4, Nxlarge 4N, large 2, medium 1, metal-Nxl 4N,
/// the burstable exceptions and each family's plain metal). Anything else is refused with a message naming the type,
/// rather than guessed.
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
        ["m7i"] = "standard", ["m7i-flex"] = "standard", ["m8g"] = "standard", ["m5dn"] = "standard", ["m5zn"] = "standard", ["m6in"] = "standard",
        ["m6idn"] = "standard", ["m7gd"] = "standard",
        ["c4"] = "standard", ["c5"] = "standard", ["c5a"] = "standard", ["c5d"] = "standard", ["c5n"] = "standard", ["c6a"] = "standard",
        ["c6g"] = "standard", ["c6gd"] = "standard", ["c6gn"] = "standard", ["c6i"] = "standard", ["c6in"] = "standard", ["c7a"] = "standard",
        ["c7g"] = "standard", ["c7gn"] = "standard", ["c7i"] = "standard", ["c7i-flex"] = "standard", ["c8g"] = "standard", ["c6id"] = "standard",
        ["c7gd"] = "standard",
        ["r4"] = "standard", ["r5"] = "standard", ["r5a"] = "standard", ["r5b"] = "standard", ["r5d"] = "standard", ["r5n"] = "standard",
        ["r6a"] = "standard", ["r6g"] = "standard", ["r6gd"] = "standard", ["r6i"] = "standard", ["r6id"] = "standard", ["r7a"] = "standard",
        ["r7g"] = "standard", ["r7i"] = "standard", ["r8g"] = "standard", ["r5dn"] = "standard", ["r6in"] = "standard", ["r6idn"] = "standard",
        ["r7gd"] = "standard", ["r7iz"] = "standard",
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

    // Plain "metal" sizes, whose vCPUs vary by family (EC2 DescribeInstanceTypes, as recorded in moto 5.2.1's
    // instance_types.json). "metal-Nxl" sizes follow the ladder (4N) and need no entry.
    private static readonly Dictionary<string, int> Metal = new(StringComparer.Ordinal)
    {
        ["a1"] = 16, ["c5"] = 96, ["c5d"] = 96, ["c5n"] = 72, ["c6a"] = 192, ["c6g"] = 64, ["c6gd"] = 64, ["c6i"] = 128, ["c6id"] = 128, ["c6in"] = 128,
        ["c7g"] = 64, ["c7gd"] = 64, ["c7gn"] = 64, ["g4dn"] = 96, ["g5g"] = 64, ["i3en"] = 96, ["i4i"] = 128,
        ["m5"] = 96, ["m5d"] = 96, ["m5dn"] = 96, ["m5n"] = 96, ["m5zn"] = 48, ["m6a"] = 192, ["m6g"] = 64, ["m6gd"] = 64, ["m6i"] = 128, ["m6id"] = 128,
        ["m6idn"] = 128, ["m6in"] = 128, ["m7g"] = 64, ["m7gd"] = 64,
        ["r5"] = 96, ["r5b"] = 96, ["r5d"] = 96, ["r5dn"] = 96, ["r5n"] = 96, ["r6a"] = 192, ["r6g"] = 64, ["r6gd"] = 64, ["r6i"] = 128, ["r6id"] = 128,
        ["r6idn"] = 128, ["r6in"] = 128, ["r7g"] = 64, ["r7gd"] = 64, ["x2idn"] = 128, ["x2iedn"] = 128, ["z1d"] = 48,
    };

    // The largest size AWS sells is 224xlarge (u7i High Memory); a larger number is a typo, not 4 × n vCPUs.
    private const int MaxXlarge = 224;

    /// <summary>
    /// The vCPUs of <paramref name="instanceType"/> and the quota group of its family: from <paramref name="known"/>
    /// (vCPUs by type, from EC2 or a user's file) when it names the type, else from the built-in table.
    /// </summary>
    public static Result<(int VCpus, string Group)> Lookup(string instanceType, IReadOnlyDictionary<string, int>? known = null)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        var name = instanceType.Trim().ToLowerInvariant();
        var parts = name.Split('.');
        var family = parts.Length == 2 ? parts[0] : name;
        if (known is not null && known.TryGetValue(name, out var given))
        {
            return GroupOf(family) is { } knownGroup
                ? Result.Ok((given, knownGroup))
                : Result.Fail<(int, string)>($"instance type '{instanceType}': family '{family}' has no On-Demand vCPU quota the gate maps (standard, F, G and VT, Inf, P, X, DL, Trn)");
        }
        if (parts.Length != 2 || !Families.TryGetValue(parts[0], out var group))
            return Result.Fail<(int, string)>($"instance type '{instanceType}' has no known vCPU count: family '{family}' is not in the built-in table{Advice(name)}");
        var size = parts[1];
        int? vcpus = Burstable.TryGetValue(name, out var b) ? b
            : size switch
            {
                "medium" => 1,
                "large" => 2,
                "xlarge" => 4,
                "metal" => Metal.TryGetValue(family, out var metal) ? metal : null,
                _ when size.StartsWith("metal-", StringComparison.Ordinal) && size.EndsWith("xl", StringComparison.Ordinal) => Ladder(size["metal-".Length..^"xl".Length]),
                _ when size.EndsWith("xlarge", StringComparison.Ordinal) => Ladder(size[..^"xlarge".Length]),
                _ => null,
            };
        return vcpus is { } v
            ? Result.Ok((v, group))
            : Result.Fail<(int, string)>($"instance type '{instanceType}': size '{size}' has no vCPU count in the built-in table{Advice(name)}");
    }

    /// <summary>4N for an N of 1 to <see cref="MaxXlarge"/>: the vCPUs of Nxlarge and metal-Nxl.</summary>
    private static int? Ladder(string n) =>
        int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= MaxXlarge ? 4 * count : null;

    private static string Advice(string type) =>
        $", and neither EC2 DescribeInstanceTypes (--backend aws) nor an --instance-types file named it: check the spelling, or give its vCPUs in a file with --instance-types (JSON {{\"{type}\": 8}} or CSV {type},8)";

    /// <summary>
    /// The quota group of a family: the table's, else AWS's grouping by the family's leading letters (the Standard
    /// quota covers A, C, D, H, I, M, R, T and Z). Null for families with no group here (High Memory, Mac, ...).
    /// </summary>
    private static string? GroupOf(string family)
    {
        if (Families.TryGetValue(family, out var group)) return group;
        foreach (var prefix in new[] { "inf", "trn", "dl", "vt" })
            if (family.StartsWith(prefix, StringComparison.Ordinal) && family.Length > prefix.Length && char.IsDigit(family[prefix.Length]))
                return prefix == "vt" ? "g" : prefix;
        return family.Length > 1 && char.IsDigit(family[1]) ? family[0] switch
        {
            'a' or 'c' or 'd' or 'h' or 'i' or 'm' or 'r' or 't' or 'z' => "standard",
            'f' => "f",
            'g' => "g",
            'p' => "p",
            'x' => "x",
            _ => null,
        } : null;
    }
}
