using System.Runtime.CompilerServices;
using CustomerCraft.Empowerment;
using CustomerCraft.Insight;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Insight;

/// <summary>
/// The replay's light engine (evaluate and charge the in-memory ledger) against the reference one
/// (the engine's own GrantAsync and VoidAsync) on a generated history, and the replay of a log that
/// does not read in time order.
/// </summary>
public class PolicyWhatIfReplayEngineTests
{
    private const string Roles = "CustomerCraft:Empowerment:Roles";

    private static Dictionary<string, string?> HostPolicy()
    {
        Dictionary<string, string?> settings = EscalationFixtures.Ladder();
        settings[$"{Roles}:Agent:Limits:Refund:PerAgent:Amount"] = "400";
        settings[$"{Roles}:Agent:Limits:Refund:PerAgent:Window"] = "Day";
        settings[$"{Roles}:Agent:Limits:Refund:PerCustomer:Amount"] = "300";
        settings[$"{Roles}:Agent:Limits:Refund:PerCustomer:Window"] = "Rolling";
        settings[$"{Roles}:Agent:Limits:Refund:PerCustomer:Length"] = "7.00:00:00";
        settings["CustomerCraft:Empowerment:Conditions:Fraud:When:Attribute"] = "ReasonCodes";
        settings["CustomerCraft:Empowerment:Conditions:Fraud:When:In:0"] = "FraudSuspected";
        settings["CustomerCraft:Empowerment:Conditions:Fraud:Effect"] = "Deny";
        return settings;
    }

    private static Dictionary<string, string?> Edited()
    {
        Dictionary<string, string?> settings = HostPolicy();
        settings[$"{Roles}:Agent:Limits:Refund:PerIncident:Amount"] = "200";
        settings[$"{Roles}:Agent:Limits:Refund:PerAgent:Amount"] = "300";
        return settings;
    }

    private static IConfigurationSection Section(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("CustomerCraft");

    /// <summary>
    /// 3,000 requests by six agents (two senior) for 40 customers over about three weeks, with
    /// incidents asked about more than once, refusals approved by the lowest role named, fraud
    /// denials and voids: every path of the replay.
    /// </summary>
    private static async Task<TestHost> HistoryAsync()
    {
        TestHost host = EscalationFixtures.Build(HostPolicy());
        IResolutionAuthority authority = host.Authority;
        var random = new Random(17);
        var granted = new List<string>();
        Dictionary<string, string> approvers = new(StringComparer.OrdinalIgnoreCase) { ["SeniorAgent"] = "sam", ["TeamLead"] = "tina", ["Manager"] = "max" };
        for (int i = 0; i < 3000; i++)
        {
            int agent = random.Next(6);
            ResolutionRequest request = Refund(
                Math.Round(5m + ((decimal)random.NextDouble() * 320m), 2),
                role: agent < 4 ? "Agent" : "SeniorAgent",
                agent: $"agent-{agent}",
                customer: $"C-{random.Next(40)}",
                incident: $"T-{random.Next(i + 1)}",
                key: $"k-{i}") with { ReasonCodes = random.Next(40) == 0 ? ["FraudSuspected"] : null };
            if (random.Next(4) == 0)
            {
                request = request with { Action = "Credit", Amount = Math.Min(request.Amount, 90m) };
            }

            GrantResult result = await authority.GrantAsync(request);
            if (result.Grant is { } grant)
            {
                granted.Add(grant.GrantId);
            }
            else if (result.Decision!.Outcome == DecisionOutcome.RequiresApproval && random.Next(5) != 0)
            {
                host.Time.Advance(TimeSpan.FromMinutes(3));
                string role = result.Decision.RequiredApproverRole!;
                GrantResult approved = await authority.GrantAsync(request with { Approver = new ApproverAuthority(approvers[role], role), IdempotencyKey = $"k-{i}-approved" });
                if (approved.Grant is { } approvedGrant)
                {
                    granted.Add(approvedGrant.GrantId);
                }
            }

            if (granted.Count > 0 && random.Next(25) == 0)
            {
                await authority.VoidAsync(granted[random.Next(granted.Count)], "Returned.");
            }

            host.Time.Advance(TimeSpan.FromMinutes(random.Next(1, 20)));
        }

        return host;
    }

    private static PolicyWhatIf Replay(TestHost host, bool granting, IDecisionLog? log = null)
    {
        var whatIf = ActivatorUtilities.CreateInstance<PolicyWhatIf>(host.Services, log ?? host.Services.GetRequiredService<IDecisionLog>());
        whatIf.UseGrantingReplay = granting;
        return whatIf;
    }

    [Fact]
    public async Task CompareAsync_ReservingReplay_GivesTheGrantingReplaysTableForBothPolicies()
    {
        using TestHost host = await HistoryAsync();
        foreach (Dictionary<string, string?> alternative in new[] { HostPolicy(), Edited() })
        {
            WhatIfReport reference = await Replay(host, granting: true).CompareAsync(Section(alternative));
            WhatIfReport light = await Replay(host, granting: false).CompareAsync(Section(alternative));

            light.Rows.Should().BeEquivalentTo(reference.Rows, o => o.WithStrictOrdering());
            light.Totals.Should().BeEquivalentTo(reference.Totals);
            light.RecordsRead.Should().Be(reference.RecordsRead);
            light.IgnoredVoids.Should().Be(reference.IgnoredVoids);
            light.Unreplayable.Should().BeEquivalentTo(reference.Unreplayable, o => o.WithStrictOrdering());
        }

        // The history exercises what the test claims: refusals, escalations that change, denials, voids.
        WhatIfReport edited = await Replay(host, granting: false).CompareAsync(Section(Edited()));
        edited.Totals.EscalationsBefore.Should().BeGreaterThan(100);
        edited.Totals.EscalationsAvoided.Should().BeGreaterThan(0);
        edited.Totals.DenialsBefore.Should().BeGreaterThan(0);
        edited.Totals.SpendAfter.Should().NotBe(edited.Totals.SpendBefore);
        (await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).CountAsync(r => r.Kind == DecisionRecordKind.Voided)).Should().BeGreaterThan(10);
    }

    [Fact]
    public async Task CompareAsync_LogOutOfTimeOrder_ReplaysItSortedWithTheSameTable()
    {
        using TestHost host = await HistoryAsync();
        IDecisionLog log = host.Services.GetRequiredService<IDecisionLog>();
        WhatIfReport inOrder = await Replay(host, granting: false).CompareAsync(Section(Edited()));

        WhatIfReport shuffled = await Replay(host, granting: false, new SwappedLog(log)).CompareAsync(Section(Edited()));

        shuffled.Rows.Should().BeEquivalentTo(inOrder.Rows, o => o.WithStrictOrdering());
        shuffled.Totals.Should().BeEquivalentTo(inOrder.Totals);
        shuffled.RecordsRead.Should().Be(inOrder.RecordsRead);
    }

    [Fact]
    public async Task CompareAsync_HistoryReadAhead_GivesTheTableOfReadingAndReplayingOnOneThread()
    {
        using TestHost host = await HistoryAsync();
        (await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).CountAsync())
            .Should().BeGreaterThan(2 * PolicyWhatIf.ReadAheadBatchSize, "the history spans several batches, the last one partial");
        PolicyWhatIf sequential = Replay(host, granting: false);
        sequential.ReadAheadBatches = 0;
        PolicyWhatIf readAhead = Replay(host, granting: false);
        readAhead.ReadAheadBatches.Should().BeGreaterThan(0, "reading ahead is the default");

        WhatIfReport expected = await sequential.CompareAsync(Section(Edited()));
        WhatIfReport actual = await readAhead.CompareAsync(Section(Edited()));

        actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task CompareAsync_LogOutOfTimeOrderReadAhead_ReplaysItSortedWithTheSameTable()
    {
        using TestHost host = await HistoryAsync();
        IDecisionLog log = host.Services.GetRequiredService<IDecisionLog>();
        PolicyWhatIf sequential = Replay(host, granting: false, new SwappedLog(log));
        sequential.ReadAheadBatches = 0;

        WhatIfReport expected = await sequential.CompareAsync(Section(Edited()));
        WhatIfReport actual = await Replay(host, granting: false, new SwappedLog(log)).CompareAsync(Section(Edited()));

        actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task CompareAsync_LogFailsHalfWayWhileReadAhead_ThrowsTheLogsErrorAsItIs()
    {
        using TestHost host = await HistoryAsync();
        var failure = new InvalidDataException("Line 1501: not a decision record.");
        PolicyWhatIf whatIf = Replay(host, granting: false, new FailingLog(host.Services.GetRequiredService<IDecisionLog>(), 1500, failure));

        Func<Task> compare = async () => await whatIf.CompareAsync(Section(Edited()));

        (await compare.Should().ThrowExactlyAsync<InvalidDataException>()).Which.Should().BeSameAs(failure);
    }

    /// <summary>Reads the first records of a log, then fails as a corrupt export or a lost connection would.</summary>
    private sealed class FailingLog(IDecisionLog inner, int before, Exception failure) : IDecisionLog
    {
        public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            int read = 0;
            await foreach (DecisionRecord record in inner.ReadAsync(query, cancellationToken))
            {
                if (read++ == before)
                {
                    throw failure;
                }

                yield return record;
            }
        }
    }

    /// <summary>Reads a log with its 1,001st and 2,001st records swapped: out of time order half-way through.</summary>
    private sealed class SwappedLog(IDecisionLog inner) : IDecisionLog
    {
        public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            List<DecisionRecord> records = await inner.ReadAsync(query, cancellationToken).ToListAsync(cancellationToken);
            (records[1000], records[2000]) = (records[2000], records[1000]);
            foreach (DecisionRecord record in records)
            {
                yield return record;
            }
        }
    }
}
