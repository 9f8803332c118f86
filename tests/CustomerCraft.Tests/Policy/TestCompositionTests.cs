using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// Composed tests: AllOf, AnyOf and NoneOf nested deeper than three levels, named tests referenced
/// from several conditions and from other named tests, host conditions inside compositions, and the
/// start-up errors for unknown references, cycles and malformed nodes.
/// </summary>
public class TestCompositionTests
{
    /// <summary>The ladder with four required boolean attributes P, Q, R and S.</summary>
    private static Dictionary<string, string?> Booleans()
    {
        Dictionary<string, string?> s = Ladder();
        foreach (string name in new[] { "P", "Q", "R", "S" })
        {
            s.With($"Attributes:{name}:Type", "Boolean").With($"Attributes:{name}:Required", "true");
        }

        return s;
    }

    private static void Is(Dictionary<string, string?> s, string nodePath, string attribute, bool value = true)
    {
        s[$"{nodePath}:Attribute"] = attribute;
        s[$"{nodePath}:Is"] = value ? "true" : "false";
    }

    private static void Probe(Dictionary<string, string?> s, string name)
    {
        s[$"{C}:{name}:Effect"] = "Multiply";
        s[$"{C}:{name}:Multiplier"] = "1";
    }

    [Fact]
    public async Task HostCondition_Context_NamesTheConditionItIsUsedIn()
    {
        // docs/configuration.md: "ConditionName (the key of the condition, or of the named test, the node appears in)".
        Dictionary<string, string?> s = Booleans();
        s[$"{C}:RepeatChargebacks:When:AllOf:0:Condition"] = "Flag";
        s[$"{C}:RepeatChargebacks:When:AllOf:0:Parameters:Result"] = "true";
        Probe(s, "RepeatChargebacks");
        var flag = new FlagCondition();
        using TestHost host = Host(s, b => { b.Services.AddSingleton(flag); b.AddCondition<FlagCondition>("Flag"); });

        await host.Authority.EvaluateAsync(Flags(true, true, true, true));

        flag.Names.Should().Equal("RepeatChargebacks");
    }

    private static ResolutionRequest Flags(bool p, bool q, bool r, bool t) =>
        Request(10m, attributes: Attrs(("P", B(p)), ("Q", B(q)), ("R", B(r)), ("S", B(t))));

    private static string B(bool value) => value ? "true" : "false";

    private static HashSet<string> Matched(AuthorityDecision decision) =>
        [.. decision.Reasons.Where(r => r.Kind == DecisionReasonKind.Condition).Select(r => r.ConditionName!)];

    /// <summary>
    /// Two conditions for P AND (Q OR NOT (R AND S)): one written inline four levels deep (AllOf,
    /// AnyOf, NoneOf, AllOf), one through a chain of named tests that reference each other.
    /// </summary>
    private static Dictionary<string, string?> DeepPolicy()
    {
        Dictionary<string, string?> s = Booleans();
        string w = $"{C}:Inline:When";
        Is(s, $"{w}:AllOf:0", "P");
        Is(s, $"{w}:AllOf:1:AnyOf:0", "Q");
        Is(s, $"{w}:AllOf:1:AnyOf:1:NoneOf:0:AllOf:0", "R");
        Is(s, $"{w}:AllOf:1:AnyOf:1:NoneOf:0:AllOf:1", "S");
        Probe(s, "Inline");

        string t = $"{E}:Tests";
        Is(s, $"{t}:IsP", "P");
        Is(s, $"{t}:IsQ", "Q");
        Is(s, $"{t}:RAndS:AllOf:0", "R");
        Is(s, $"{t}:RAndS:AllOf:1", "S");
        s[$"{t}:NotRAndS:NoneOf:0:Test"] = "RAndS";
        s[$"{t}:QOrNotRAndS:AnyOf:0:Test"] = "IsQ";
        s[$"{t}:QOrNotRAndS:AnyOf:1:Test"] = "NotRAndS";
        s[$"{t}:Whole:AllOf:0:Test"] = "IsP";
        s[$"{t}:Whole:AllOf:1:Test"] = "QOrNotRAndS";
        s[$"{C}:Named:When:Test"] = "Whole";
        Probe(s, "Named");

        // The same named tests, used by other conditions too.
        s[$"{C}:OnlyQ:When:Test"] = "isq";
        Probe(s, "OnlyQ");
        s[$"{C}:QAndRS:When:AllOf:0:Test"] = "IsQ";
        s[$"{C}:QAndRS:When:AllOf:1:Test"] = "RAndS";
        Probe(s, "QAndRS");
        s[$"{C}:NotQ:When:NoneOf:0:Test"] = "IsQ";
        Probe(s, "NotQ");
        return s;
    }

    public static TheoryData<bool, bool, bool, bool> AllFlags()
    {
        var data = new TheoryData<bool, bool, bool, bool>();
        for (int bits = 0; bits < 16; bits++)
        {
            data.Add((bits & 8) != 0, (bits & 4) != 0, (bits & 2) != 0, (bits & 1) != 0);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllFlags))]
    public async Task Composition_NestedFourDeepAndThroughNamedTests_MatchesTheTruthTable(bool p, bool q, bool r, bool t)
    {
        using TestHost host = Host(DeepPolicy());

        HashSet<string> matched = Matched(await host.Authority.EvaluateAsync(Flags(p, q, r, t)));

        bool whole = p && (q || !(r && t));
        matched.Contains("Inline").Should().Be(whole, "inline P AND (Q OR NOT (R AND S))");
        matched.Contains("Named").Should().Be(whole, "the same through named tests");
        matched.Contains("OnlyQ").Should().Be(q);
        matched.Contains("QAndRS").Should().Be(q && r && t);
        matched.Contains("NotQ").Should().Be(!q);
    }

    [Fact]
    public async Task Composition_NoneOfWithSeveralTests_HoldsOnlyWhenNoneHolds()
    {
        Dictionary<string, string?> s = Booleans();
        Is(s, $"{C}:None:When:NoneOf:0", "P");
        Is(s, $"{C}:None:When:NoneOf:1", "Q");
        Is(s, $"{C}:None:When:NoneOf:2", "R", value: false);
        Probe(s, "None");
        using TestHost host = Host(s);

        Matched(await host.Authority.EvaluateAsync(Flags(false, false, true, false))).Should().Contain("None");
        Matched(await host.Authority.EvaluateAsync(Flags(true, false, true, false))).Should().BeEmpty();
        Matched(await host.Authority.EvaluateAsync(Flags(false, true, true, false))).Should().BeEmpty();
        Matched(await host.Authority.EvaluateAsync(Flags(false, false, false, false))).Should().BeEmpty();
    }

    [Fact]
    public async Task Composition_HostConditionInsideNoneOfInsideAllOf_IsAskedOnceAndComposed()
    {
        Dictionary<string, string?> s = Booleans();
        Is(s, $"{C}:Mixed:When:AllOf:0", "P");
        s[$"{C}:Mixed:When:AllOf:1:NoneOf:0:Condition"] = "Flag";
        s[$"{C}:Mixed:When:AllOf:1:NoneOf:0:Parameters:Result"] = "false";
        Probe(s, "Mixed");
        s[$"{C}:Other:When:Condition"] = "Flag";
        s[$"{C}:Other:When:Parameters:Result"] = "true";
        Probe(s, "Other");
        var flag = new FlagCondition();
        using TestHost registered = Host(s, b => { b.Services.AddSingleton(flag); b.AddCondition<FlagCondition>("Flag"); });

        AuthorityDecision decision = await registered.Authority.EvaluateAsync(Flags(true, false, false, false));

        Matched(decision).Should().BeEquivalentTo(["Mixed", "Other"]);
        flag.Calls.Should().Be(2, "each place a host condition is used is asked once per request");
        decision.Reasons.Single(r => r.ConditionName == "Mixed").Message.Should().Be("Mixed: P AND NOT Flag does not hold -> limits x1 (PerIncident and PerCustomer)");
        decision.Reasons.Single(r => r.ConditionName == "Other").Message.Should().Be("Other: Flag holds -> limits x1 (PerIncident and PerCustomer)");
    }

    // ---- Start-up errors ----

    [Fact]
    public void References_ToUnknownTests_AreStartUpErrorsNamingTheirPaths()
    {
        Dictionary<string, string?> s = Booleans();
        Is(s, $"{E}:Tests:Known", "P");
        s[$"{E}:Tests:UsesUnknown:AnyOf:0:Test"] = "Known";
        s[$"{E}:Tests:UsesUnknown:AnyOf:1:Test"] = "Nowhere";
        s[$"{C}:C1:When:AllOf:0:Test"] = "Known";
        s[$"{C}:C1:When:AllOf:1:Test"] = "Bussiness";
        s[$"{C}:C1:Effect"] = "Deny";
        s[$"{C}:C2:When:Test"] = "UsesUnknown";
        s[$"{C}:C2:Effect"] = "Deny";

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().Contain(e => e.StartsWith($"{E}:Tests:UsesUnknown:AnyOf:1:Test:", StringComparison.Ordinal) && e.Contains("'Nowhere'", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{C}:C1:When:AllOf:1:Test:", StringComparison.Ordinal) && e.Contains("'Bussiness'", StringComparison.Ordinal));
        errors.Should().HaveCount(2, "C2 refers to a test that is already reported; " + string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Cycle_OfTwoTests_IsAStartUpErrorNamingTheCycleAndItsPath()
    {
        Dictionary<string, string?> s = Booleans();
        s[$"{E}:Tests:A:AllOf:0:Test"] = "B";
        Is(s, $"{E}:Tests:A:AllOf:1", "P");
        s[$"{E}:Tests:B:AnyOf:0:Test"] = "A";
        s[$"{C}:UsesA:When:Test"] = "A";
        s[$"{C}:UsesA:Effect"] = "Deny";

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().ContainSingle(string.Join(Environment.NewLine, errors));
        errors[0].Should().StartWith($"{E}:Tests:").And.Contain("A -> B -> A");
    }

    [Fact]
    public void Cycle_OfATestWithItself_IsAStartUpError()
    {
        Dictionary<string, string?> s = Booleans();
        s[$"{E}:Tests:A:NoneOf:0:Test"] = "a";

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().ContainSingle(string.Join(Environment.NewLine, errors));
        errors[0].Should().StartWith($"{E}:Tests:A:NoneOf:0:Test:").And.ContainEquivalentOf("A -> A");
    }

    [Fact]
    public void Cycle_OfThreeTestsThatNoConditionUses_IsStillReported()
    {
        Dictionary<string, string?> s = Booleans();
        s[$"{E}:Tests:A:Test"] = "B";
        s[$"{E}:Tests:B:Test"] = "C";
        s[$"{E}:Tests:C:AllOf:0:Test"] = "A";

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().ContainSingle().Which.Should().Contain("A -> B -> C -> A");
    }

    [Fact]
    public void Diamond_OfNamedTests_IsNotACycle()
    {
        Dictionary<string, string?> s = Booleans();
        Is(s, $"{E}:Tests:Base", "P");
        s[$"{E}:Tests:Left:AllOf:0:Test"] = "Base";
        s[$"{E}:Tests:Right:AnyOf:0:Test"] = "Base";
        s[$"{E}:Tests:Top:AllOf:0:Test"] = "Left";
        s[$"{E}:Tests:Top:AllOf:1:Test"] = "Right";
        s[$"{C}:UsesTop:When:Test"] = "Top";
        s[$"{C}:UsesTop:Effect"] = "Deny";

        Errors(s).Should().BeEmpty();
    }

    [Fact]
    public void Nodes_WithSettingsThatDoNotBelongToTheirKind_AreStartUpErrorsEachWithItsPath()
    {
        Dictionary<string, string?> s = Booleans();
        // A comparison beside AllOf.
        Is(s, $"{C}:C1:When:AllOf:0", "P");
        s[$"{C}:C1:When:In:0"] = "x";
        s[$"{C}:C1:Effect"] = "Deny";
        // Parameters beside an Attribute.
        Is(s, $"{C}:C2:When", "P");
        s[$"{C}:C2:When:Parameters:k"] = "v";
        s[$"{C}:C2:Effect"] = "Deny";
        // A comparison beside a named test reference.
        Is(s, $"{E}:Tests:T", "Q");
        s[$"{C}:C3:When:Test"] = "T";
        s[$"{C}:C3:When:IsSet"] = "true";
        s[$"{C}:C3:Effect"] = "Deny";
        // Two kinds in one node, deep down.
        s[$"{C}:C4:When:AnyOf:0:NoneOf:0:Test"] = "T";
        s[$"{C}:C4:When:AnyOf:0:NoneOf:0:Attribute"] = "P";
        s[$"{C}:C4:When:AnyOf:0:NoneOf:0:Is"] = "true";
        s[$"{C}:C4:Effect"] = "Deny";
        // A node without a kind, and an empty list.
        s[$"{C}:C5:When:AllOf:0:Is"] = "true";
        s[$"{C}:C5:When:AllOf:1:AnyOf"] = string.Empty;
        s[$"{C}:C5:Effect"] = "Deny";
        // A comparison on a host-condition node.
        s[$"{C}:C6:When:Condition"] = "Nope";
        s[$"{C}:C6:When:Is"] = "true";
        s[$"{C}:C6:Effect"] = "Deny";

        IReadOnlyList<string> errors = Errors(s);
        string all = string.Join(Environment.NewLine, errors);

        errors.Should().Contain(e => e.StartsWith($"{C}:C1:When:In:", StringComparison.Ordinal), all);
        errors.Should().Contain(e => e.StartsWith($"{C}:C2:When:Parameters:", StringComparison.Ordinal), all);
        errors.Should().Contain(e => e.StartsWith($"{C}:C3:When:IsSet:", StringComparison.Ordinal), all);
        errors.Should().Contain(e => e.StartsWith($"{C}:C4:When:AnyOf:0:NoneOf:0:", StringComparison.Ordinal) && e.Contains("Test", StringComparison.Ordinal) && e.Contains("Attribute", StringComparison.Ordinal), all);
        errors.Should().Contain(e => e.StartsWith($"{C}:C5:When:AllOf:0:", StringComparison.Ordinal), all);
        errors.Should().Contain(e => e.StartsWith($"{C}:C5:When:AllOf:1:AnyOf:", StringComparison.Ordinal), all);
        errors.Should().Contain(e => e.StartsWith($"{C}:C6:When:Is:", StringComparison.Ordinal), all);
        errors.Should().Contain(e => e.StartsWith($"{C}:C6:When:Condition:", StringComparison.Ordinal), all);
        errors.Should().OnlyContain(e => e.StartsWith($"{C}:", StringComparison.Ordinal), all);
    }

    [Theory]
    [InlineData("Within")]
    [InlineData("NewerThan")]
    [InlineData("AtLeastAgo")]
    [InlineData("OlderThan")]
    public void DateTimeSpan_OfZero_IsAStartUpError(string comparison)
    {
        // docs/configuration.md, Validation rules, Tests: "Date-time spans (Within, NewerThan, AtLeastAgo,
        // OlderThan) are greater than zero" (CustomerCraft:Empowerment:Tests:Recent:Within: 00:00:00 must be greater than zero.)
        Dictionary<string, string?> s = Ladder().With("Attributes:PurchasedAt:Type", "DateTime");
        s[$"{E}:Tests:Recent:Attribute"] = "PurchasedAt";
        s[$"{E}:Tests:Recent:{comparison}"] = "00:00:00";

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{E}:Tests:Recent:{comparison}: ");
    }

    [Fact]
    public void NumberBounds_ThatLeaveNothingBetweenThem_AreAStartUpError()
    {
        Dictionary<string, string?> s = Ladder().With("Attributes:Hours:Type", "Number");
        s[$"{E}:Tests:Never:Attribute"] = "Hours";
        s[$"{E}:Tests:Never:GreaterThan"] = "5";
        s[$"{E}:Tests:Never:LessThan"] = "5";

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{E}:Tests:Never: ");
    }

    [Fact]
    public void Condition_WithoutWhenOrEffect_IsAStartUpError()
    {
        Dictionary<string, string?> s = Booleans();
        s[$"{C}:NoWhen:Effect"] = "Deny";
        Is(s, $"{C}:NoEffect:When", "P");

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().Contain(e => e.StartsWith($"{C}:NoWhen:When:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{C}:NoEffect:Effect:", StringComparison.Ordinal));
    }

    /// <summary>A host condition that answers its "Result" parameter and counts its calls.</summary>
    private sealed class FlagCondition : IResolutionCondition
    {
        private int _calls;

        public int Calls => _calls;

        public List<string> Names { get; } = [];

        public ValueTask<bool> IsMatchAsync(ResolutionConditionContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            lock (Names)
            {
                Names.Add(context.ConditionName);
            }

            return ValueTask.FromResult(bool.Parse(context.Parameters["Result"]));
        }
    }
}
