using CustomerCraft.Empowerment;
using CustomerCraft.Policy.Testing;
using Microsoft.Extensions.Configuration;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// The policy-test runner and its file format: failures that print the decision's reasons,
/// malformed files that name the case and the field, defaults, and prior grants inside and outside
/// a rolling window.
/// </summary>
public class PolicyTestRunnerTests
{
    /// <summary>
    /// The ladder; agents also have 300 per customer in any 30 days; a required Plan and an optional
    /// Hours; business plans double the limits.
    /// </summary>
    private static PolicyTestRunner Runner()
    {
        Dictionary<string, string?> s = Ladder()
            .With("Roles:Agent:Limits:Refund:PerCustomer:Amount", "300")
            .With("Roles:Agent:Limits:Refund:PerCustomer:Length", "30.00:00:00")
            .With("Roles:Agent:Limits:Refund:PerAgent:Amount", "1000")
            .With("Roles:Agent:Limits:Refund:PerAgent:Window", "Day")
            .With("Attributes:Plan:Type", "String")
            .With("Attributes:Plan:Values:0", "Residential")
            .With("Attributes:Plan:Values:1", "Business")
            .With("Attributes:Plan:Required", "true")
            .With("Attributes:Hours:Type", "Number")
            .With("Attributes:Vulnerable:Type", "Boolean");
        s[$"{C}:BusinessDouble:When:Attribute"] = "Plan";
        s[$"{C}:BusinessDouble:When:In:0"] = "Business";
        s[$"{C}:BusinessDouble:Effect"] = "Multiply";
        s[$"{C}:BusinessDouble:Multiplier"] = "2";
        s[$"{C}:LongOutage:When:AllOf:0:Attribute"] = "Hours";
        s[$"{C}:LongOutage:When:AllOf:0:AtLeast"] = "100";
        s[$"{C}:LongOutage:When:AllOf:1:Attribute"] = "Vulnerable";
        s[$"{C}:LongOutage:When:AllOf:1:Is"] = "true";
        s[$"{C}:LongOutage:Effect"] = "Allow";
        return new PolicyTestRunner(new ConfigurationBuilder().AddInMemoryCollection(s).Build().GetSection("CustomerCraft"));
    }

    private const string DefaultsJson = """
        "Defaults": {
          "Now": "2026-03-02T15:00:00Z",
          "Request": { "AgentId": "ana", "Role": "Agent", "CustomerId": "C-1", "IncidentId": "T-1", "Action": "Refund", "Attributes": { "Plan": "Residential" } }
        }
        """;

    private static PolicyTestSuite Suite(string cases) => PolicyTestSuite.Parse($$"""{ {{DefaultsJson}}, "Cases": { {{cases}} } }""", "test.json");

    private static async Task<PolicyTestResult> RunAsync(string caseJson)
    {
        PolicyTestSuite suite = Suite(caseJson);
        return await Runner().RunAsync(suite.Cases.Single());
    }

    // ---- Passing and failing cases ----

    [Fact]
    public async Task Case_ThatHolds_Passes()
    {
        PolicyTestResult result = await RunAsync("""
            "within the agent's limit": {
              "Request": { "Amount": 100 },
              "Expect": { "Outcome": "Allowed", "Headroom": { "Refund": { "Amount": 100, "HasAuthority": true } }, "Reasons": [ "Per-incident amount limit for Agent: 100 USD" ] }
            }
            """);

        result.Passed.Should().BeTrue(result.Failure);
        result.Failure.Should().BeNull();
        result.Decision!.Outcome.Should().Be(DecisionOutcome.Allowed);
        result.Case.Name.Should().Be("within the agent's limit");
    }

    [Fact]
    public async Task Case_ThatFails_SaysWhatDifferedFollowedByTheDecisionsReasons()
    {
        PolicyTestResult result = await RunAsync("""
            "too much for an agent": {
              "Request": { "Amount": 150 },
              "Expect": { "Outcome": "Allowed", "ApproverRole": "Manager", "Headroom": { "Refund": { "Amount": 90, "Count": 1 } }, "Reasons": [ "no such reason" ] }
            }
            """);

        result.Passed.Should().BeFalse();
        result.Failure.Should().Contain("Expected Allowed, got RequiresApproval.")
            .And.Contain("Expected approval by Manager, got TeamLead.")
            .And.Contain("Expected Refund headroom of 90 USD, got 100.")
            .And.Contain("Expected Refund headroom of 1 more grant(s), got no count limit.")
            .And.Contain("Expected a reason containing \"no such reason\".");
        result.Failure.Should().Contain("Per-incident amount limit for Agent: 100 USD, used 0, remaining 100; this request needs 150.")
            .And.Contain($"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount")
            .And.Contain("TeamLead is the lowest role whose authority covers this request.");
        result.Failure!.IndexOf("Expected Allowed", StringComparison.Ordinal).Should().BeLessThan(result.Failure.IndexOf("Per-incident amount limit", StringComparison.Ordinal), "what differed comes first, then the reasons");
        result.ToString().Should().StartWith("too much for an agent: FAILED");
    }

    [Fact]
    public async Task Case_ThatFails_ShowsTheMatchedConditionsExplanation()
    {
        PolicyTestResult result = await RunAsync("""
            "business": {
              "Request": { "Amount": 250, "Attributes": { "Plan": "Business" } },
              "Expect": { "Outcome": "Allowed" }
            }
            """);

        result.Passed.Should().BeFalse();
        result.Failure.Should().Contain("BusinessDouble: Plan Business -> limits x2");
    }

    [Fact]
    public async Task Case_ExpectingAnError_PassesWhenTheRequestIsRejectedWithIt()
    {
        PolicyTestResult result = await RunAsync("""
            "plan outside the set": { "Request": { "Amount": 10, "Attributes": { "Plan": "Enterprise" } }, "Expect": { "Error": "Attribute 'Plan'" } }
            """);

        result.Passed.Should().BeTrue(result.Failure);
        result.Decision.Should().BeNull();
    }

    [Fact]
    public async Task Case_ExpectingAnError_FailsWhenTheRequestIsDecided()
    {
        PolicyTestResult result = await RunAsync("""
            "decided": { "Request": { "Amount": 10 }, "Expect": { "Error": "Attribute 'Plan'" } }
            """);

        result.Passed.Should().BeFalse();
        result.Failure.Should().Contain("Expected an error containing \"Attribute 'Plan'\"");
    }

    [Fact]
    public async Task Case_NotExpectingAnError_FailsWithTheRejectionsMessage()
    {
        PolicyTestResult result = await RunAsync("""
            "hours not a number": { "Request": { "Amount": 10, "Attributes": { "Plan": "Residential", "Hours": "five" } }, "Expect": { "Outcome": "Allowed" } }
            """);

        result.Passed.Should().BeFalse();
        result.Failure.Should().Contain("The request was rejected").And.Contain("'Hours'");
    }

    // ---- Defaults ----

    [Fact]
    public void Defaults_AreMergedUnderEachCasesRequest_TheCaseWins()
    {
        PolicyTestSuite suite = Suite("""
            "defaults only": { "Request": { "Amount": 10 }, "Expect": { "Outcome": "Allowed" } },
            "own role and time": { "Now": "2026-05-01T08:00:00+02:00", "Request": { "Role": "TeamLead", "Amount": 900, "CustomerId": "C-9" }, "Expect": { "Outcome": "Allowed" } }
            """);

        PolicyTestCase defaults = suite.Cases[0];
        PolicyTestCase own = suite.Cases[1];
        defaults.Now.Should().Be(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        defaults.Request.Should().BeEquivalentTo(new { AgentId = "ana", Role = "Agent", CustomerId = "C-1", IncidentId = "T-1", Action = "Refund", Amount = 10m });
        own.Now.Should().Be(new DateTimeOffset(2026, 5, 1, 6, 0, 0, TimeSpan.Zero));
        own.Request.Should().BeEquivalentTo(new { AgentId = "ana", Role = "TeamLead", CustomerId = "C-9", IncidentId = "T-1", Action = "Refund", Amount = 900m });
        own.Request.Attributes.Should().ContainKey("Plan");
        suite.Cases.Select(c => c.Name).Should().Equal("defaults only", "own role and time");
    }

    [Fact]
    public async Task Attributes_InJson_NumbersAndBooleansAreReadAsTheirInvariantText()
    {
        PolicyTestResult result = await RunAsync("""
            "long outage of a vulnerable customer": {
              "Request": { "Amount": 4000, "Attributes": { "Plan": "Residential", "Hours": 100, "Vulnerable": true } },
              "Expect": { "Outcome": "Allowed", "Reasons": [ "LongOutage: Hours 100 >= 100 AND Vulnerable" ] }
            }
            """);

        result.Passed.Should().BeTrue(result.Failure);
    }

    [Fact]
    public async Task Attributes_InJson_ANumberWrittenWithAnExponentIsStillThatNumber()
    {
        PolicyTestResult result = await RunAsync("""
            "exponent": {
              "Request": { "Amount": 4000, "Attributes": { "Plan": "Residential", "Hours": 1e2, "Vulnerable": true } },
              "Expect": { "Outcome": "Allowed" }
            }
            """);

        result.Passed.Should().BeTrue(result.Failure);
    }

    // ---- Prior grants ----

    [Theory]
    [InlineData("2026-01-31T15:00:01Z", "RequiresApproval")]
    [InlineData("2026-01-31T15:00:00Z", "RequiresApproval")]
    [InlineData("2026-01-31T14:59:59Z", "Allowed")]
    public async Task PriorGrants_InsideTheRollingWindowCount_OutsideDoNot(string at, string outcome)
    {
        // 30 days before 2026-03-02T15:00Z is 2026-01-31T15:00Z; the window includes its start.
        PolicyTestResult result = await RunAsync($$"""
            "prior grant": {
              "Request": { "Amount": 60, "IncidentId": "T-2" },
              "PriorGrants": [ { "At": "{{at}}", "Amount": 250, "AgentId": "bob", "IncidentId": "T-0" } ],
              "Expect": { "Outcome": "{{outcome}}" }
            }
            """);

        result.Passed.Should().BeTrue(result.Failure);
    }

    [Fact]
    public async Task PriorGrants_InheritTheCasesIdsUnlessTheyNameTheirOwn()
    {
        PolicyTestResult inherited = await RunAsync("""
            "same incident": {
              "Request": { "Amount": 60 },
              "PriorGrants": [ { "At": "2026-03-01T10:00:00Z", "Amount": 50 } ],
              "Expect": { "Outcome": "RequiresApproval", "Headroom": { "Refund": { "Amount": 50 } }, "Reasons": [ "Per-incident amount limit for Agent: 100 USD, used 50" ] }
            }
            """);
        PolicyTestResult otherCustomer = await RunAsync("""
            "other customer and incident": {
              "Request": { "Amount": 60 },
              "PriorGrants": [ { "At": "2026-03-01T10:00:00Z", "Amount": 290, "CustomerId": "C-2", "IncidentId": "T-9", "AgentId": "bob" } ],
              "Expect": { "Outcome": "Allowed", "Headroom": { "Refund": { "Amount": 100 } } }
            }
            """);
        PolicyTestResult sameAgentToday = await RunAsync("""
            "the agent's own day": {
              "Request": { "Amount": 60 },
              "PriorGrants": [ { "At": "2026-03-02T01:00:00Z", "Amount": 950, "CustomerId": "C-2", "IncidentId": "T-9" } ],
              "Expect": { "Outcome": "RequiresApproval", "Reasons": [ "Per-agent amount limit for Agent: 1000 USD, used 950" ] }
            }
            """);

        inherited.Passed.Should().BeTrue(inherited.Failure);
        otherCustomer.Passed.Should().BeTrue(otherCustomer.Failure);
        sameAgentToday.Passed.Should().BeTrue(sameAgentToday.Failure);
    }

    [Fact]
    public async Task RunAll_RunsEveryCaseInOrder()
    {
        PolicyTestSuite suite = Suite("""
            "a": { "Request": { "Amount": 10 }, "Expect": { "Outcome": "Allowed" } },
            "b": { "Request": { "Amount": 150 }, "Expect": { "Outcome": "Allowed" } },
            "c": { "Request": { "Amount": 150 }, "Expect": { "Outcome": "RequiresApproval", "ApproverRole": "teamlead" } }
            """);

        IReadOnlyList<PolicyTestResult> results = await Runner().RunAllAsync(suite);

        results.Select(r => (r.Case.Name, r.Passed)).Should().Equal(("a", true), ("b", false), ("c", true));
    }

    [Fact]
    public async Task Load_ReadsAFile()
    {
        string file = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.tests.json");
        await File.WriteAllTextAsync(file, $$"""{ {{DefaultsJson}}, "Cases": { "a": { "Request": { "Amount": 10 }, "Expect": { "Outcome": "Allowed" } } } }""");
        try
        {
            PolicyTestSuite suite = PolicyTestSuite.Load(file);

            suite.Source.Should().Be(file);
            (await Runner().RunAsync(suite.Cases.Single())).Passed.Should().BeTrue();
        }
        finally
        {
            File.Delete(file);
        }
    }

    // ---- Malformed files ----

    public static TheoryData<string, string> Malformed => new()
    {
        { """ "bad outcome": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allow" } } """, "Outcome" },
        { """ "numeric outcome": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "1" } } """, "Outcome" },
        { """ "bad now": { "Now": "yesterday", "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed" } } """, "Now" },
        { """ "bad amount": { "Request": { "Amount": "ten" }, "Expect": { "Outcome": "Allowed" } } """, "Amount" },
        { """ "no expect": { "Request": { "Amount": 1 } } """, "Expect" },
        { """ "empty expect": { "Request": { "Amount": 1 }, "Expect": { } } """, "Outcome" },
        { """ "prior without at": { "Request": { "Amount": 1 }, "PriorGrants": [ { "Amount": 5 } ], "Expect": { "Outcome": "Allowed" } } """, "PriorGrants:0" },
        { """ "prior bad at": { "Request": { "Amount": 1 }, "PriorGrants": [ { "At": "soon", "Amount": 5 } ], "Expect": { "Outcome": "Allowed" } } """, "PriorGrants:0:At" },
        { """ "prior bad amount": { "Request": { "Amount": 1 }, "PriorGrants": [ { "At": "2026-03-01T00:00:00Z", "Amount": "lots" } ], "Expect": { "Outcome": "Allowed" } } """, "PriorGrants:0:Amount" },
        { """ "headroom bad amount": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed", "Headroom": { "Refund": { "Amount": "x" } } } } """, "Headroom:Refund:Amount" },
        { """ "bad since": { "Request": { "Amount": 1, "CustomerSince": "long ago" }, "Expect": { "Outcome": "Allowed" } } """, "CustomerSince" },
        // Wrong JSON kinds: each must still be a FormatException naming the case and the field.
        { """ "headroom authority not a switch": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed", "Headroom": { "Refund": { "HasAuthority": "yes" } } } } """, "HasAuthority" },
        { """ "headroom not an object": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed", "Headroom": [ 1 ] } } """, "Headroom" },
        { """ "prior grants not a list": { "Request": { "Amount": 1 }, "PriorGrants": { "At": "2026-03-01T00:00:00Z" }, "Expect": { "Outcome": "Allowed" } } """, "PriorGrants" },
        { """ "reasons not a list": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed", "Reasons": "Per-incident" } } """, "Reasons" },
        { """ "reason not text": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed", "Reasons": [ 5 ] } } """, "Reasons" },
        { """ "reason codes not a list": { "Request": { "Amount": 1, "ReasonCodes": "Late" }, "Expect": { "Outcome": "Allowed" } } """, "ReasonCodes" },
        { """ "count not whole": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed", "Headroom": { "Refund": { "Count": 2.5 } } } } """, "Count" },
        { """ "outcome not text": { "Request": { "Amount": 1 }, "Expect": { "Outcome": true } } """, "Outcome" },
        { """ "attribute object": { "Request": { "Amount": 1, "Attributes": { "Plan": { "x": 1 } } }, "Expect": { "Outcome": "Allowed" } } """, "Plan" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_Case_IsAFormatExceptionNamingTheCaseAndTheField(string caseJson, string field)
    {
        string name = caseJson[(caseJson.IndexOf('"') + 1)..caseJson.IndexOf('"', caseJson.IndexOf('"') + 1)];

        Action parse = () => Suite(caseJson);

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain($"case '{name}'").And.Contain(field).And.StartWith("test.json");
    }

    [Theory]
    [InlineData("Reason")]
    [InlineData("headroom")]
    [InlineData("ApproverRol")]
    public void Malformed_MisspelledExpectation_IsAFormatExceptionNotSilentlyIgnored(string misspelled)
    {
        // A misspelled "Reasons" or "Headroom" would otherwise make a case that checks nothing pass.
        string caseJson = $$""" "misspelled": { "Request": { "Amount": 1 }, "Expect": { "Outcome": "Allowed", "{{misspelled}}": [ "x" ] } } """;

        Action parse = () => Suite(caseJson);

        // Keys match ignoring case, as configuration keys do: "headroom" is read as Headroom (and refused here as a list).
        parse.Should().Throw<FormatException>().Which.Message.Should().Contain("case 'misspelled'").And.ContainEquivalentOf(misspelled);
    }

    [Fact]
    public void Malformed_NotJson_IsAFormatException()
    {
        Action parse = () => PolicyTestSuite.Parse("{ \"Cases\": ", "broken.json");

        parse.Should().Throw<FormatException>().Which.Message.Should().StartWith("broken.json");
    }

    [Fact]
    public void Malformed_WithoutCases_IsAFormatException()
    {
        Action parse = () => PolicyTestSuite.Parse($$"""{ {{DefaultsJson}} }""", "nocases.json");

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain("Cases");
    }

    [Fact]
    public void Malformed_RequestWithoutAnAction_NamesTheCase()
    {
        Action parse = () => PolicyTestSuite.Parse("""{ "Cases": { "no action": { "Now": "2026-03-02T15:00:00Z", "Request": { "AgentId": "a", "Role": "Agent", "CustomerId": "c", "IncidentId": "i", "Amount": 1 }, "Expect": { "Outcome": "Allowed" } } } }""", "t.json");

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain("case 'no action'").And.Contain("Action");
    }
}
