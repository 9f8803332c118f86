using System.Text.Json.Nodes;
using CustomerCraft.Empowerment;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.Tool.Tests;

/// <summary>
/// what-if over a history the test makes through the real engine and the EF Core SQLite store, read
/// once from the database and once from its JSON Lines export: the two must give the same table.
/// </summary>
public sealed class WhatIfCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Under the quick start's policy, on Monday 2 March 2026 (agent refund limit 100 per incident):
    /// ana refunds 50 (allowed), asks 150 and 180 on two incidents (each needs a senior agent, who
    /// approves), and asks 30 for a customer flagged FraudSuspected (denied). Six records: four
    /// grants and two refusals for approval, and one refusal as denied, in that order.
    /// </summary>
    private async Task<string> RecordHistoryAsync()
    {
        string database = _temp.File("history.db");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddCustomerCraft(new ConfigurationBuilder().AddJsonFile(Tool.QuickStart).Build().GetSection("CustomerCraft"))
            .AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={database};Pooling=False"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        await provider.MigrateCustomerCraftDatabaseAsync();
        IResolutionAuthority authority = provider.GetRequiredService<IResolutionAuthority>();

        int incident = 0;
        async Task AskAsync(decimal amount, string[]? reasons = null)
        {
            var request = new ResolutionRequest
            {
                AgentId = "ana", Role = "Agent", CustomerId = $"C-{++incident}", IncidentId = $"T-{incident}", Action = "Refund", Amount = amount,
                ReasonCodes = reasons, IdempotencyKey = $"k-{incident}",
            };
            GrantResult result = await authority.GrantAsync(request);
            time.Advance(TimeSpan.FromMinutes(5));
            if (result.Decision!.Outcome == DecisionOutcome.RequiresApproval)
            {
                await authority.GrantAsync(request with { Approver = new ApproverAuthority("sam", result.Decision.RequiredApproverRole!), IdempotencyKey = $"k-{incident}-approved" });
                time.Advance(TimeSpan.FromMinutes(5));
            }
        }

        await AskAsync(50);
        await AskAsync(150);
        await AskAsync(180);
        await AskAsync(30, ["FraudSuspected"]);

        await using FileStream export = File.Create(_temp.File("history.jsonl"));
        long written = await DecisionLogJsonLines.WriteAsync(provider.GetRequiredService<IDecisionLog>(), export);
        written.Should().Be(6);
        return database;
    }

    /// <summary>The quick start with the agent's per-incident refund limit at 200 and no fraud rule.</summary>
    private string Edited()
    {
        JsonNode policy = JsonNode.Parse(File.ReadAllText(Tool.QuickStart))!;
        policy["CustomerCraft"]!["Empowerment"]!["Roles"]!["Agent"]!["Limits"]!["Refund"]!["PerIncident"]!["Amount"] = 200;
        policy["CustomerCraft"]!["Empowerment"]!["Conditions"]!.AsObject().Remove("FraudSuspected");
        string path = _temp.File("edited.json");
        File.WriteAllText(path, policy.ToJsonString());
        return path;
    }

    [Fact]
    public async Task WhatIf_FromSqliteAndFromItsJsonLinesExport_PrintsTheSameTable()
    {
        string database = await RecordHistoryAsync();
        string edited = Edited();

        ToolResult sqlite = Tool.Run("what-if", Tool.QuickStart, edited, "--sqlite", database);
        ToolResult jsonl = Tool.Run("what-if", Tool.QuickStart, edited, "--history", _temp.File("history.jsonl"));

        sqlite.ExitCode.Should().Be(0, sqlite.ToString());
        jsonl.ExitCode.Should().Be(0, jsonl.ToString());
        jsonl.Output.Should().Be(sqlite.Output);
        sqlite.Error.Should().BeEmpty("progress shows on a terminal only, and this one is redirected");

        // Four requests: two escalations avoided (150 and 180 fit under 200), the fraud denial
        // lifted (30 more spent); the approved 150 and 180 were spent either way.
        string refundRow = sqlite.Output.Split('\n').Single(l => l.StartsWith("Refund ", StringComparison.Ordinal));
        refundRow.Should().MatchRegex(@"^Refund\s+Agent\s+4\s+2 -> 0\s+2\s+1 -> 0\s+\+30 USD$");
        sqlite.Output.Should().Contain("6 records read; 0 could not be replayed");
    }

    [Fact]
    public void WhatIf_WithoutOrWithTwoHistories_IsAUsageError()
    {
        ToolResult none = Tool.Run("what-if", Tool.QuickStart, Tool.QuickStart);
        ToolResult two = Tool.Run("what-if", Tool.QuickStart, Tool.QuickStart, "--history", "a.jsonl", "--sqlite", "b.db");

        none.ExitCode.Should().Be(2, none.ToString());
        none.Error.Should().Contain("what-if needs exactly one history");
        two.ExitCode.Should().Be(2, two.ToString());
    }

    [Fact]
    public void WhatIf_FromAFileThatIsNoDatabase_ExitsThreeOnOneLine()
    {
        File.WriteAllText(_temp.File("not.db"), "just text");
        File.WriteAllText(_temp.File("broken.jsonl"), "{\"kind\":");

        ToolResult database = Tool.Run("what-if", Tool.QuickStart, Tool.QuickStart, "--sqlite", _temp.File("not.db"));
        ToolResult jsonl = Tool.Run("what-if", Tool.QuickStart, Tool.QuickStart, "--history", _temp.File("broken.jsonl"));

        database.ExitCode.Should().Be(3, database.ToString());
        database.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("customercraft: cannot read the decision log from");
        jsonl.ExitCode.Should().Be(3, jsonl.ToString());
        jsonl.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("Line 1: not a decision record");
    }
}
