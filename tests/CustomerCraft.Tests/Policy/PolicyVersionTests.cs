using System.Text;
using CustomerCraft.Empowerment;
using CustomerCraft.Policy.Testing;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Configuration;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// The policy version: a content hash, the same for the same content on every host, different for
/// any change, carried on every decision and every decision-log record, and following reloads.
/// </summary>
public class PolicyVersionTests
{
    private static async Task<long> VersionOfAsync(IConfigurationRoot configuration)
    {
        using TestHost host = PolicyFixtures.Build(configuration);
        return (await host.Authority.EvaluateAsync(Request(10m))).PolicyVersion;
    }

    private static Task<long> VersionOfAsync(Dictionary<string, string?> settings) =>
        VersionOfAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static IConfigurationRoot Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private const string LadderJson = """
        {
          "CustomerCraft": {
            "Empowerment": {
              "Currency": "USD",
              "Actions": { "Refund": { "Description": "Money back" } },
              "Roles": {
                "Agent": { "Rank": 10, "Limits": { "Refund": { "PerIncident": { "Amount": 100 } } } },
                "TeamLead": { "Rank": 20, "Limits": { "Refund": { "PerIncident": { "Amount": 1000 } } } },
                "Manager": { "Rank": 30, "Limits": { "Refund": { "PerIncident": { "Amount": 5000 } } } }
              }
            }
          }
        }
        """;

    [Fact]
    public async Task Version_SameContentOnTwoHosts_IsTheSame()
    {
        using TestHost first = Host(Ladder());
        using TestHost second = Host(Ladder());

        AuthorityDecision a = await first.Authority.EvaluateAsync(Request(10m));
        AuthorityDecision b = await second.Authority.EvaluateAsync(Request(500m, role: "TeamLead"));

        a.PolicyVersion.Should().Be(b.PolicyVersion);
        a.PolicyVersion.Should().NotBe(0);
    }

    [Fact]
    public async Task Version_SameContentFromAJsonFileAndFromMemory_IsTheSame()
    {
        (await VersionOfAsync(Json(LadderJson))).Should().Be(await VersionOfAsync(Ladder()));
    }

    [Fact]
    public async Task Version_IndependentOfKeyOrderKeyCasingCommentsAndWhitespace()
    {
        const string Reordered = """
            {
              // the same policy, written differently
              "customercraft": { "empowerment": {
                  "roles": {
                    "Manager": { "limits": { "Refund": { "PerIncident": { "Amount": 5000 } } }, "rank": 30 },
                    "TeamLead": { "Limits": { "Refund": { "PerIncident": { "Amount": 1000 } } }, "Rank": 20 },
                    "Agent": { "Rank": 10, "Limits": { "Refund": { "PerIncident": { "Amount": 100 } } } }
                  },
                  "actions": { "Refund": { "description": "Money back" } },
                  "currency": "USD" } }
            }
            """;

        (await VersionOfAsync(Json(Reordered))).Should().Be(await VersionOfAsync(Json(LadderJson)));
    }

    [Fact]
    public async Task Version_ADefaultWrittenOut_IsTheSameContent()
    {
        Dictionary<string, string?> explicitDefaults = Ladder().With("TimeZone", "UTC").With("FirstDayOfWeek", "Monday");

        (await VersionOfAsync(explicitDefaults)).Should().Be(await VersionOfAsync(Ladder()));
    }

    [Fact]
    public async Task Version_SameNumberWrittenWithTrailingZeros_IsTheSameContent()
    {
        // docs/configuration.md: "whatever the file's formatting": 100 and 100.00 are the same limit.
        Dictionary<string, string?> zeros = Ladder().With("Roles:Agent:Limits:Refund:PerIncident:Amount", "100.00");

        (await VersionOfAsync(zeros)).Should().Be(await VersionOfAsync(Ladder()));
    }

    public static TheoryData<string, string?> Changes => new()
    {
        { "Roles:Agent:Limits:Refund:PerIncident:Amount", "101" },
        { "Roles:Agent:Limits:Refund:PerIncident:Count", "1" },
        { "Roles:Agent:DisplayName", "Front line" },
        { "Actions:Refund:Description", "Money back." },
        { "Currency", "EUR" },
        { "TimeZone", "Europe/Berlin" },
        { "FirstDayOfWeek", "Sunday" },
        { "Attributes:Plan:Type", "String" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Version_AnyChange_GivesAnotherVersion(string key, string? value)
    {
        long before = await VersionOfAsync(Ladder());

        long after = await VersionOfAsync(Ladder().With(key, value));

        after.Should().NotBe(before);
    }

    [Fact]
    public async Task Version_ChangesOutsideEmpowerment_GiveAnotherVersionToo()
    {
        long before = await VersionOfAsync(Ladder());
        Dictionary<string, string?> coaching = Ladder();
        coaching["CustomerCraft:Coaching:PassingScore"] = "80";
        Dictionary<string, string?> log = Ladder();
        log["CustomerCraft:DecisionLog:Capacity"] = "5000";

        long[] versions = [before, await VersionOfAsync(coaching), await VersionOfAsync(log)];

        versions.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Version_OnTheDecision_IsTheVersionOfEveryDecisionLogRecord()
    {
        using TestHost host = Host(Ladder());

        GrantResult granted = await host.Authority.GrantAsync(Request(10m, key: "k1"));
        GrantResult refused = await host.Authority.GrantAsync(Request(500m, key: "k2"));
        await host.Authority.VoidAsync(granted.Grant!.GrantId, "test");

        IReadOnlyList<DecisionRecord> records = await host.ReadLogAsync();
        records.Should().HaveCount(3);
        records.Should().OnlyContain(r => r.PolicyVersion == granted.Decision!.PolicyVersion);
        refused.Decision!.PolicyVersion.Should().Be(granted.Decision!.PolicyVersion);
    }

    [Fact]
    public async Task Version_AfterAReloadToNewContent_ChangesAndTheLogFollows()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Ladder()).Build();
        using TestHost host = PolicyFixtures.Build(configuration);
        GrantResult before = await host.Authority.GrantAsync(Request(10m, key: "k1"));

        configuration[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "150";
        configuration.Reload();
        GrantResult after = await host.Authority.GrantAsync(Request(10m, key: "k2", incident: "T-2"));

        after.Decision!.PolicyVersion.Should().NotBe(before.Decision!.PolicyVersion);
        after.Decision.PolicyVersion.Should().Be(await VersionOfAsync(Ladder().With("Roles:Agent:Limits:Refund:PerIncident:Amount", "150")), "a reloaded policy has the version of its content, as on a fresh host");
        IReadOnlyList<DecisionRecord> records = await host.ReadLogAsync();
        records.Select(r => r.PolicyVersion).Should().Equal(before.Decision.PolicyVersion, after.Decision.PolicyVersion);
    }

    [Fact]
    public async Task Version_AfterUndoingAChange_IsTheOldVersionAgain()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Ladder()).Build();
        using TestHost host = PolicyFixtures.Build(configuration);
        long original = (await host.Authority.EvaluateAsync(Request(10m))).PolicyVersion;

        configuration[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "150";
        configuration.Reload();
        long changed = (await host.Authority.EvaluateAsync(Request(10m))).PolicyVersion;
        configuration[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "100";
        configuration.Reload();
        long undone = (await host.Authority.EvaluateAsync(Request(10m))).PolicyVersion;

        changed.Should().NotBe(original);
        undone.Should().Be(original);
    }

    [Fact]
    public async Task Version_OfARejectedReload_StaysTheVersionInForce()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Ladder()).Build();
        using TestHost host = PolicyFixtures.Build(configuration);
        long original = (await host.Authority.EvaluateAsync(Request(10m))).PolicyVersion;

        configuration[$"{E}:Currency"] = string.Empty;
        configuration.Reload();

        (await host.Authority.EvaluateAsync(Request(10m))).PolicyVersion.Should().Be(original);
    }

    [Fact]
    public async Task Version_OfThePolicyTestRunner_IsTheHostsVersion()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Ladder()).Build();

        var runner = new PolicyTestRunner(configuration.GetSection("CustomerCraft"));

        runner.PolicyVersion.Should().Be(await VersionOfAsync(configuration));
    }
}
