using System.Globalization;
using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Time.Testing;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// Typed request attributes: a missing required attribute, a wrong type or a value outside a
/// closed set is an <see cref="ArgumentException"/> naming the attribute, never a silent no-match;
/// absent optional attributes, request fields with closed sets, and date-time comparisons at their
/// exact boundaries.
/// </summary>
public class TypedAttributeTests
{
    private static Dictionary<string, string?> Typed()
    {
        Dictionary<string, string?> s = Ladder()
            .With("Attributes:Plan:Type", "String")
            .With("Attributes:Plan:Values:0", "Residential")
            .With("Attributes:Plan:Values:1", "Business")
            .With("Attributes:Plan:Required", "true")
            .With("Attributes:OrderStatus:Type", "String")
            .With("Attributes:OrderStatus:Values:0", "Processing")
            .With("Attributes:OrderStatus:Values:1", "In Transit")
            .With("Attributes:OrderStatus:Values:2", "Delivered")
            .With("Attributes:OutageHours:Type", "Number")
            .With("Attributes:Vulnerable:Type", "Boolean")
            .With("Attributes:PurchasedAt:Type", "DateTime")
            .With("Attributes:CustomerSegment:Type", "String")
            .With("Attributes:CustomerSegment:Values:0", "Guest")
            .With("Attributes:CustomerSegment:Values:1", "Silver")
            .With("Attributes:CustomerSegment:Values:2", "Gold")
            .With("Attributes:CustomerSegment:Required", "true")
            .With("Attributes:Channel:Type", "String")
            .With("Attributes:Channel:Values:0", "Phone")
            .With("Attributes:Channel:Values:1", "Chat")
            .With("Attributes:ReasonCodes:Type", "String")
            .With("Attributes:ReasonCodes:Values:0", "Late")
            .With("Attributes:ReasonCodes:Values:1", "Fraud");
        return s;
    }

    private static ResolutionRequest Req(Dictionary<string, string>? attributes = null, string? segment = "Gold", string? channel = null, string[]? codes = null, DateTimeOffset? since = null) =>
        Request(10m, attributes: attributes ?? Attrs(("Plan", "Business")), segment: segment, channel: channel, codes: codes, since: since);

    private static Dictionary<string, string> WithPlan(params (string Key, string Value)[] more) => Attrs([("Plan", "Business"), .. more]);

    private static IEnumerable<string> Matched(AuthorityDecision decision) =>
        decision.Reasons.Where(r => r.Kind == DecisionReasonKind.Condition).Select(r => r.ConditionName!);

    private static async Task<ArgumentException> RejectedAsync(TestHost host, ResolutionRequest request)
    {
        Func<Task> act = async () => await host.Authority.EvaluateAsync(request);
        return (await act.Should().ThrowAsync<ArgumentException>()).Which;
    }

    // ---- Rejected requests ----

    [Fact]
    public async Task Attribute_RequiredButMissing_IsRejectedNamingIt()
    {
        using TestHost host = Host(Typed());

        ArgumentException ex = await RejectedAsync(host, Req(Attrs(("OutageHours", "5"))));

        ex.ParamName.Should().Be("request.Attributes[Plan]");
        ex.Message.Should().Contain("'Plan' is required").And.Contain($"{E}:Attributes:Plan");
    }

    [Fact]
    public async Task Attribute_RequiredButNoAttributesAtAll_IsRejectedNamingIt()
    {
        using TestHost host = Host(Typed());

        (await RejectedAsync(host, Request(10m, segment: "Gold"))).ParamName.Should().Be("request.Attributes[Plan]");
    }

    [Fact]
    public async Task Attribute_RequiredButMissing_IsRejectedByGrantToo()
    {
        using TestHost host = Host(Typed());

        Func<Task> act = async () => await host.Authority.GrantAsync(Request(10m, segment: "Gold", key: "k1"));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Attributes[Plan]");
    }

    [Theory]
    [InlineData("OutageHours", "five")]
    [InlineData("OutageHours", "")]
    [InlineData("OutageHours", "4 hours")]
    [InlineData("Vulnerable", "yes")]
    [InlineData("Vulnerable", "1")]
    [InlineData("PurchasedAt", "last Tuesday")]
    [InlineData("PurchasedAt", "")]
    public async Task Attribute_OfTheWrongType_IsRejectedNamingIt(string name, string value)
    {
        using TestHost host = Host(Typed());

        ArgumentException ex = await RejectedAsync(host, Req(WithPlan((name, value))));

        ex.ParamName.Should().Be($"request.Attributes[{name}]");
        ex.Message.Should().Contain($"'{name}'");
    }

    [Theory]
    [InlineData("3,5")]
    [InlineData("1,000")]
    [InlineData("5-")]
    public async Task Attribute_NumberNotInInvariantFormWithADot_IsRejectedRatherThanMisread(string value)
    {
        // "3,5" hours from a host that writes decimal commas must not become 35 hours.
        Dictionary<string, string?> s = Typed().Probe("LongOutage", ("Attribute", "OutageHours"), ("AtLeast", "24"));
        using TestHost host = Host(s);

        ArgumentException ex = await RejectedAsync(host, Req(WithPlan(("OutageHours", value))));

        ex.ParamName.Should().Be("request.Attributes[OutageHours]");
    }

    [Theory]
    [InlineData("03/04/2026")]
    [InlineData("March 4, 2026")]
    public async Task Attribute_DateTimeNotInIso8601_IsRejectedRatherThanGuessed(string value)
    {
        // "03/04/2026" is 3 April to much of the world; it must not silently become 4 March.
        using TestHost host = Host(Typed());

        (await RejectedAsync(host, Req(WithPlan(("PurchasedAt", value))))).ParamName.Should().Be("request.Attributes[PurchasedAt]");
    }

    [Theory]
    [InlineData("Plan", "Enterprise")]
    [InlineData("Plan", "Business ")]
    [InlineData("OrderStatus", "In Transit ")]
    [InlineData("OrderStatus", "InTransit")]
    public async Task Attribute_OutsideItsClosedSet_IsRejectedNamingIt(string name, string value)
    {
        using TestHost host = Host(Typed());
        Dictionary<string, string> attributes = WithPlan();
        attributes[name] = value;

        ArgumentException ex = await RejectedAsync(host, Req(attributes));

        ex.ParamName.Should().Be($"request.Attributes[{name}]");
        ex.Message.Should().Contain($"'{value}'");
    }

    [Fact]
    public async Task Attribute_InItsClosedSet_IsComparedIgnoringCase()
    {
        Dictionary<string, string?> s = Typed().Probe("Moving", ("Attribute", "OrderStatus"), ("In:0", "In Transit"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Req(WithPlan(("OrderStatus", "in transit"))));

        Matched(decision).Should().Equal("Moving");
    }

    [Fact]
    public async Task Attribute_NotDeclared_IsIgnored()
    {
        using TestHost host = Host(Typed());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Req(WithPlan(("Whatever", "not a number"))));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    // ---- Request fields ----

    [Fact]
    public async Task RequestField_DeclaredRequiredButMissing_IsRejectedNamingTheField()
    {
        using TestHost host = Host(Typed());

        (await RejectedAsync(host, Req(segment: null))).ParamName.Should().Be("request.CustomerSegment");
    }

    [Theory]
    [InlineData("Platinum", null, null, "request.CustomerSegment")]
    [InlineData("Gold ", null, null, "request.CustomerSegment")]
    [InlineData("Gold", "Chat ", null, "request.Channel")]
    [InlineData("Gold", "Email", null, "request.Channel")]
    [InlineData("Gold", null, "Bogus", "request.ReasonCodes")]
    public async Task RequestField_OutsideItsClosedSet_IsRejectedNamingTheField(string segment, string? channel, string? code, string param)
    {
        using TestHost host = Host(Typed());

        ArgumentException ex = await RejectedAsync(host, Req(segment: segment, channel: channel, codes: code is null ? null : ["Late", code]));

        ex.ParamName.Should().Be(param);
    }

    [Fact]
    public async Task RequestField_OptionalChannelAbsent_IsAccepted()
    {
        using TestHost host = Host(Typed());

        (await host.Authority.EvaluateAsync(Req(channel: null))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task RequestField_ReasonCodesIn_HoldsWhenAnyCodeIsListed()
    {
        Dictionary<string, string?> s = Typed().Probe("Fraudish", ("Attribute", "ReasonCodes"), ("In:0", "Fraud"));
        using TestHost host = Host(s);

        Matched(await host.Authority.EvaluateAsync(Req(codes: ["Late", "fraud"]))).Should().Equal("Fraudish");
        Matched(await host.Authority.EvaluateAsync(Req(codes: ["Late"]))).Should().BeEmpty();
        Matched(await host.Authority.EvaluateAsync(Req(codes: null))).Should().BeEmpty();
    }

    // ---- Absent optional attributes ----

    [Fact]
    public async Task Attribute_OptionalAndAbsent_EveryComparisonFailsExceptIsSetFalse()
    {
        Dictionary<string, string?> s = Typed()
            .Probe("Long", ("Attribute", "OutageHours"), ("AtLeast", "4"))
            .Probe("Short", ("Attribute", "OutageHours"), ("LessThan", "4"))
            .Probe("Given", ("Attribute", "OutageHours"), ("IsSet", "true"))
            .Probe("NotGiven", ("Attribute", "OutageHours"), ("IsSet", "false"))
            .Probe("Vulnerable", ("Attribute", "Vulnerable"), ("Is", "true"))
            .Probe("NotVulnerable", ("Attribute", "Vulnerable"), ("Is", "false"))
            .Probe("Recent", ("Attribute", "PurchasedAt"), ("Within", "30.00:00:00"))
            .Probe("Old", ("Attribute", "PurchasedAt"), ("OlderThan", "30.00:00:00"))
            .Probe("NoStatus", ("Attribute", "OrderStatus"), ("IsSet", "false"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Req());

        Matched(decision).Should().BeEquivalentTo("NotGiven", "NoStatus");
        decision.Reasons.Single(r => r.ConditionName == "NotGiven").Message.Should().Contain("OutageHours not given");
    }

    [Fact]
    public async Task Attribute_OptionalAndAbsent_NoneOfHolds_SoADenyUnlessRuleDeniesIt()
    {
        // "Deny unless the customer is vulnerable": a request that does not say so is denied, it does not fail open.
        Dictionary<string, string?> s = Typed();
        s[$"{C}:OnlyVulnerable:When:NoneOf:0:Attribute"] = "Vulnerable";
        s[$"{C}:OnlyVulnerable:When:NoneOf:0:Is"] = "true";
        s[$"{C}:OnlyVulnerable:Effect"] = "Deny";
        using TestHost host = Host(s);

        (await host.Authority.EvaluateAsync(Req())).Outcome.Should().Be(DecisionOutcome.Denied);
        (await host.Authority.EvaluateAsync(Req(WithPlan(("Vulnerable", "false"))))).Outcome.Should().Be(DecisionOutcome.Denied);
        (await host.Authority.EvaluateAsync(Req(WithPlan(("Vulnerable", "true"))))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    // ---- Number comparisons ----

    [Theory]
    [InlineData("4", new[] { "AtLeast4", "Range", "Equal4" })]
    [InlineData("3.99", new[] { "Below4" })]
    [InlineData("4.0", new[] { "AtLeast4", "Range", "Equal4" })]
    [InlineData("4.01", new[] { "AtLeast4", "Above4", "Range" })]
    [InlineData("24", new[] { "AtLeast4", "Above4" })]
    [InlineData("23.999", new[] { "AtLeast4", "Above4", "Range" })]
    [InlineData("-2", new[] { "Below4" })]
    public async Task Number_Comparisons_HoldExactlyAtTheirBounds(string hours, string[] expected)
    {
        Dictionary<string, string?> s = Typed()
            .Probe("AtLeast4", ("Attribute", "OutageHours"), ("AtLeast", "4"))
            .Probe("Above4", ("Attribute", "OutageHours"), ("GreaterThan", "4"))
            .Probe("Below4", ("Attribute", "OutageHours"), ("LessThan", "4"))
            .Probe("Equal4", ("Attribute", "OutageHours"), ("EqualTo", "4"))
            .Probe("Range", ("Attribute", "OutageHours"), ("AtLeast", "4"), ("LessThan", "24"), ("AtMost", "100"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Req(WithPlan(("OutageHours", hours))));

        Matched(decision).Should().BeEquivalentTo(expected);
    }

    // ---- Date-time comparisons at the exact boundaries, on a fake clock ----

    [Fact]
    public async Task DateTime_Comparisons_AtTheExactBoundaryAndOneSecondEitherSide()
    {
        Dictionary<string, string?> s = Typed()
            .Probe("Within", ("Attribute", "PurchasedAt"), ("Within", "180.00:00:00"))
            .Probe("NewerThan", ("Attribute", "PurchasedAt"), ("NewerThan", "180.00:00:00"))
            .Probe("AtLeastAgo", ("Attribute", "PurchasedAt"), ("AtLeastAgo", "180.00:00:00"))
            .Probe("OlderThan", ("Attribute", "PurchasedAt"), ("OlderThan", "180.00:00:00"));
        DateTimeOffset purchased = new(2025, 9, 1, 12, 30, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(purchased.AddDays(180).AddSeconds(-1));
        using TestHost host = Host(s, time: time);
        ResolutionRequest request = Req(WithPlan(("PurchasedAt", purchased.ToString("O", CultureInfo.InvariantCulture))));

        AuthorityDecision younger = await host.Authority.EvaluateAsync(request);
        time.Advance(TimeSpan.FromSeconds(1));
        AuthorityDecision exactly = await host.Authority.EvaluateAsync(request);
        time.Advance(TimeSpan.FromSeconds(1));
        AuthorityDecision older = await host.Authority.EvaluateAsync(request);

        Matched(younger).Should().BeEquivalentTo("Within", "NewerThan");
        Matched(exactly).Should().BeEquivalentTo("Within", "AtLeastAgo");
        Matched(older).Should().BeEquivalentTo("AtLeastAgo", "OlderThan");
    }

    [Fact]
    public async Task DateTime_WithAnOffset_IsTheSameInstantInUtc()
    {
        Dictionary<string, string?> s = Typed().Probe("Within", ("Attribute", "PurchasedAt"), ("Within", "1.00:00:00"));
        // 2026-03-01T10:00:00-05:00 is 15:00 UTC, exactly one day before Now (2026-03-02 15:00 UTC).
        using TestHost host = Host(s);

        Matched(await host.Authority.EvaluateAsync(Req(WithPlan(("PurchasedAt", "2026-03-01T10:00:00-05:00")))))
            .Should().Equal("Within");
        Matched(await host.Authority.EvaluateAsync(Req(WithPlan(("PurchasedAt", "2026-03-01T09:59:59-05:00")))))
            .Should().BeEmpty();
    }

    [Fact]
    public async Task DateTime_DateOnly_IsMidnightUtc()
    {
        Dictionary<string, string?> s = Typed().Probe("Within", ("Attribute", "PurchasedAt"), ("Within", "1.15:00:00"));
        // Now is 2026-03-02 15:00 UTC: midnight UTC of 2026-03-01 is 1 day 15 hours before.
        var time = new FakeTimeProvider(Now);
        using TestHost host = Host(s, time: time);
        ResolutionRequest request = Req(WithPlan(("PurchasedAt", "2026-03-01")));

        Matched(await host.Authority.EvaluateAsync(request)).Should().Equal("Within");
        time.Advance(TimeSpan.FromTicks(1));
        Matched(await host.Authority.EvaluateAsync(request)).Should().BeEmpty();
    }

    [Fact]
    public async Task DateTime_InTheFuture_HasANegativeAge()
    {
        Dictionary<string, string?> s = Typed()
            .Probe("Within", ("Attribute", "PurchasedAt"), ("Within", "1.00:00:00"))
            .Probe("AtLeastAgo", ("Attribute", "PurchasedAt"), ("AtLeastAgo", "00:00:01"));
        using TestHost host = Host(s);

        Matched(await host.Authority.EvaluateAsync(Req(WithPlan(("PurchasedAt", Now.AddDays(3).ToString("O", CultureInfo.InvariantCulture))))))
            .Should().Equal("Within");
    }

    [Fact]
    public async Task CustomerSince_RequestField_ComparesAtTheExactBoundary()
    {
        Dictionary<string, string?> s = Typed()
            .Probe("Loyal", ("Attribute", "CustomerSince"), ("AtLeastAgo", "365.00:00:00"))
            .Probe("New", ("Attribute", "CustomerSince"), ("NewerThan", "30.00:00:00"));
        var time = new FakeTimeProvider(Now);
        using TestHost host = Host(s, time: time);

        Matched(await host.Authority.EvaluateAsync(Req(since: Now.AddDays(-365)))).Should().Equal("Loyal");
        Matched(await host.Authority.EvaluateAsync(Req(since: Now.AddDays(-365).AddTicks(1)))).Should().BeEmpty();
        Matched(await host.Authority.EvaluateAsync(Req(since: Now.AddDays(-30)))).Should().BeEmpty();
        Matched(await host.Authority.EvaluateAsync(Req(since: Now.AddDays(-30).AddTicks(1)))).Should().Equal("New");
        Matched(await host.Authority.EvaluateAsync(Req(since: null))).Should().BeEmpty();
    }

    // ---- Schema errors at start-up ----

    [Fact]
    public void Schema_MistakesAreStartUpErrorsEachWithItsPath()
    {
        Dictionary<string, string?> s = Typed()
            .With("Attributes:CustomerSince:Type", "String")
            .With("Attributes:Amount:Type", "Number")
            .With("Attributes:Count2:Type", "Number")
            .With("Attributes:Count2:Values:0", "Many")
            .With("Attributes:Status2:Type", "String")
            .With("Attributes:Status2:Values:0", "Lost ")
            .With("Attributes:Untyped:Description", "no type");
        s[$"{C}:NumberIn:When:Attribute"] = "OutageHours";
        s[$"{C}:NumberIn:When:In:0"] = "4";
        s[$"{C}:NumberIn:Effect"] = "Deny";
        s[$"{C}:NotInSet:When:Attribute"] = "Plan";
        s[$"{C}:NotInSet:When:In:0"] = "Business";
        s[$"{C}:NotInSet:When:In:1"] = "Bussiness";
        s[$"{C}:NotInSet:Effect"] = "Deny";
        s[$"{C}:Undeclared:When:Attribute"] = "Plna";
        s[$"{C}:Undeclared:When:In:0"] = "Business";
        s[$"{C}:Undeclared:Effect"] = "Deny";
        s[$"{C}:BoolAtLeast:When:Attribute"] = "Vulnerable";
        s[$"{C}:BoolAtLeast:When:AtLeast"] = "1";
        s[$"{C}:BoolAtLeast:Effect"] = "Deny";
        s[$"{C}:NoComparison:When:Attribute"] = "Plan";
        s[$"{C}:NoComparison:Effect"] = "Deny";

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().Contain(e => e.StartsWith($"{E}:Attributes:CustomerSince:Type:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{E}:Attributes:Amount:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{E}:Attributes:Count2:Values:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{E}:Attributes:Status2:Values:0:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{E}:Attributes:Untyped:Type:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{C}:NumberIn:When:In:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{C}:NotInSet:When:In:1:", StringComparison.Ordinal) && e.Contains("'Bussiness'", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{C}:Undeclared:When:Attribute:", StringComparison.Ordinal) && e.Contains("'Plna'", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{C}:BoolAtLeast:When:AtLeast:", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{C}:NoComparison:When", StringComparison.Ordinal));
        errors.Should().HaveCount(10, string.Join(Environment.NewLine, errors));
    }
}
