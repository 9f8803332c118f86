using System.Globalization;
using BenchmarkDotNet.Attributes;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// EvaluateAsync with three cumulative budgets in play for every role and action: per incident
/// (amount and count), per customer (amount and count over a rolling 30 days) and per agent
/// (amount per calendar day in America/New_York), against a ledger that already holds 10,000
/// grants across 1,000 customers and 50 agents, made through GrantAsync. The same 100,000
/// reference requests are decided; the baseline is the reference (per-incident only) policy with
/// an empty ledger.
/// </summary>
/// <remarks>
/// <see cref="History"/> says when the 10,000 grants were made: all <see cref="GrantHistory.Today"/>
/// (every grant is inside every window: the most ledger entries to add up), or spread evenly over
/// <see cref="GrantHistory.Last30Days"/> (inside the customer window, about 1/30 of them inside the
/// agent's calendar day).
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class BudgetedEvaluationBenchmarks : IDisposable
{
    /// <summary>How many grants the ledger holds before measuring.</summary>
    public const int PrepopulatedGrants = 10_000;

    private ResolutionRequest[] _requests = [];
    private ServiceProvider? _referenceServices;
    private ServiceProvider? _budgetedServices;
    private IResolutionAuthority _reference = null!;
    private IResolutionAuthority _budgeted = null!;
    private int _cursor;

    /// <summary>When the pre-populated grants were made.</summary>
    public enum GrantHistory
    {
        /// <summary>All today.</summary>
        Today,

        /// <summary>Spread evenly over the last 30 days.</summary>
        Last30Days,
    }

    [Params(GrantHistory.Today, GrantHistory.Last30Days)]
    public GrantHistory History { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _requests = Workload.CreateRequests();
        _referenceServices = Workload.BuildServices(Workload.PolicyShape.IncidentOnly);
        _reference = _referenceServices.GetRequiredService<IResolutionAuthority>();

        var clock = new ShiftableClock();
        _budgetedServices = Workload.BuildServices(Workload.PolicyShape.ThreeBudgets, clock);
        _budgeted = _budgetedServices.GetRequiredService<IResolutionAuthority>();
        Prepopulate(_budgeted, clock, History);
        Verification.CheckBudgeted(_requests, _budgeted);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _referenceServices?.Dispose();
        _budgetedServices?.Dispose();
        _referenceServices = null;
        _budgetedServices = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>The reference workload (per-incident limits only, empty ledger), for comparison.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Workload.Batch)]
    public int Evaluate_IncidentOnly_EmptyLedger() => Run(_reference);

    /// <summary>Three budgets, 10,000 grants in the ledger.</summary>
    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int Evaluate_ThreeBudgets() => Run(_budgeted);

    /// <summary>
    /// Makes <see cref="PrepopulatedGrants"/> grants of 1 to 50 USD through GrantAsync: random role,
    /// action, customer (of 1,000), agent (of 50) and incident (of 20,000), in time order.
    /// </summary>
    internal static void Prepopulate(IResolutionAuthority authority, ShiftableClock clock, GrantHistory history)
    {
        var random = new Random(7);
        int granted = 0;
        var refused = new Dictionary<DecisionOutcome, int>();
        for (int i = 0; i < PrepopulatedGrants; i++)
        {
            clock.Shift = history == GrantHistory.Today
                ? TimeSpan.Zero
                : -TimeSpan.FromDays(30) * (PrepopulatedGrants - i) / (PrepopulatedGrants + 1);
            var request = new ResolutionRequest
            {
                AgentId = Workload.AgentIds[random.Next(Workload.AgentCount)],
                Role = Workload.Roles[random.Next(Workload.Roles.Length)],
                CustomerId = Workload.CustomerIds[random.Next(Workload.CustomerCount)],
                IncidentId = Workload.IncidentIds[random.Next(Workload.IncidentCount)],
                Action = Workload.Actions[random.Next(Workload.Actions.Length)],
                Amount = random.Next(1_00, 50_00 + 1) / 100m,
                IdempotencyKey = "prepopulated-" + i.ToString(CultureInfo.InvariantCulture),
            };
            GrantResult result = Workload.Complete(authority.GrantAsync(request));
            if (result.IsGranted)
            {
                granted++;
            }
            else
            {
                DecisionOutcome outcome = result.Decision!.Outcome;
                refused[outcome] = refused.GetValueOrDefault(outcome) + 1;
            }
        }

        clock.Shift = TimeSpan.Zero;
        Console.WriteLine($"// Pre-populated the ledger ({history}): {granted} of {PrepopulatedGrants} grants made; refused: {string.Join(", ", refused.Select(p => $"{p.Key} {p.Value}"))}.");
        if (granted < PrepopulatedGrants * 9 / 10)
        {
            throw new InvalidOperationException($"Only {granted} of {PrepopulatedGrants} pre-populated grants were made; the ledger would not be what the benchmark claims.");
        }
    }

    private int Run(IResolutionAuthority authority)
    {
        ResolutionRequest[] requests = _requests;
        int start = _cursor;
        _cursor = start + Workload.Batch >= Workload.RequestCount ? 0 : start + Workload.Batch;
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            ValueTask<AuthorityDecision> pending = authority.EvaluateAsync(requests[i]);
            AuthorityDecision decision = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            sum += (int)decision.Outcome;
        }

        return sum;
    }
}
