using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CustomerCraft.Empowerment;
using CustomerCraft.Insight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// Issue 17, goal 6: the what-if replays 1,000,000 recorded decisions in memory in under 10 s. The
/// history is made once, in <see cref="Setup"/>, as <c>bench/CustomerCraft.WhatIfHistory</c> makes it
/// (the quick start's policy decides random requests of 200 agents for 100,000 customers through the
/// real engine, 30 s apart, a team lead approving what needs approval), and kept in a list; each
/// invocation replays all of it against the quick start with the Agent's per-incident refund limit
/// raised from 100 to 200 through <see cref="IPolicyWhatIf"/>. One invocation per iteration: it takes
/// seconds.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class WhatIfReplayBenchmarks
{
    /// <summary>Records in the history.</summary>
    public const int Records = 1_000_000;

    private ServiceProvider? _services;
    private IPolicyWhatIf _whatIf = null!;
    private IConfiguration _edited = null!;

    [GlobalSetup]
    public void Setup()
    {
        var history = new ListLog();
        var clock = new SimulatedClock(new DateTimeOffset(2026, 1, 5, 14, 0, 0, TimeSpan.Zero));
        var makers = new ServiceCollection();
        makers.AddSingleton<TimeProvider>(clock);
        makers.AddCustomerCraft(QuickStart());
        makers.RemoveAll<IDecisionLog>();
        makers.AddSingleton<IDecisionLog>(history);
        using (ServiceProvider maker = makers.BuildServiceProvider())
        {
            Record(maker.GetRequiredService<IResolutionAuthority>(), history, clock).AsTask().GetAwaiter().GetResult();
        }

        var services = new ServiceCollection();
        services.AddCustomerCraft(QuickStart());
        services.RemoveAll<IDecisionLog>();
        services.AddSingleton<IDecisionLog>(history);
        _services = services.BuildServiceProvider();
        _whatIf = _services.GetRequiredService<IPolicyWhatIf>();
        IConfiguration edited = QuickStart();
        edited["Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "200";
        _edited = edited;
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark]
    public async Task<int> ReplayAMillionDecisions()
    {
        WhatIfReport report = await _whatIf.CompareAsync(_edited);
        return report.Totals.EscalationsAfter;
    }

    private static IConfigurationSection QuickStart()
    {
        using Stream json = typeof(WhatIfReplayBenchmarks).Assembly.GetManifestResourceStream("quickstart.json")
            ?? throw new InvalidOperationException("The quick start's appsettings.json is not embedded.");
        return new ConfigurationBuilder().AddJsonStream(json).Build().GetSection("CustomerCraft");
    }

    /// <summary>The history bench's generator (bench/CustomerCraft.WhatIfHistory), with the same seed.</summary>
    private static async ValueTask Record(IResolutionAuthority authority, ListLog log, SimulatedClock clock)
    {
        var random = new Random(16);
        (string Action, decimal Max)[] actions = [("Refund", 400m), ("Credit", 250m), ("Replacement", 600m), ("FeeWaiver", 80m), ("Goodwill", 300m)];
        string[] segments = ["Standard", "Standard", "Standard", "Gold", "Platinum"];
        int requests = 0;
        while (log.Records.Count < Records)
        {
            requests++;
            (string action, decimal max) = actions[random.Next(actions.Length)];
            var request = new ResolutionRequest
            {
                AgentId = $"agent-{random.Next(200):D3}",
                Role = random.Next(10) < 8 ? "Agent" : "SeniorAgent",
                CustomerId = $"C-{random.Next(100_000):D6}",
                IncidentId = $"T-{requests:D7}",
                Action = action,
                Amount = Math.Round(1m + ((decimal)random.NextDouble() * max), 2),
                CustomerSegment = segments[random.Next(segments.Length)],
                ReasonCodes = random.Next(50) == 0 ? ["ChargebackOpen"] : null,
                IdempotencyKey = $"k-{requests}",
            };
            GrantResult result = await authority.GrantAsync(request);
            if (result.Decision?.Outcome == DecisionOutcome.RequiresApproval && log.Records.Count < Records)
            {
                clock.Advance(TimeSpan.FromMinutes(10));
                await authority.GrantAsync(request with
                {
                    Approver = new ApproverAuthority($"lead-{random.Next(20):D2}", result.Decision.RequiredApproverRole!),
                    IdempotencyKey = $"k-{requests}-approved",
                });
            }

            clock.Advance(TimeSpan.FromSeconds(30));
        }

        log.Records.RemoveRange(Records, log.Records.Count - Records);
    }

    private sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    /// <summary>Keeps every record in a list, in order; the replay reads them back.</summary>
    private sealed class ListLog : IDecisionLog
    {
        public List<DecisionRecord> Records { get; } = [];

        public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default)
        {
            Records.Add(record);
            return ValueTask.CompletedTask;
        }

        public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            foreach (DecisionRecord record in Records)
            {
                yield return record;
            }
        }
    }
}
