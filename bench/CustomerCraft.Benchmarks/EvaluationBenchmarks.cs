using BenchmarkDotNet.Attributes;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// The reference workload, side by side in one run: the hand-written floor, CustomerCraft's
/// <see cref="IResolutionAuthority.EvaluateAsync"/> and the same policy as RulesEngine workflows.
/// Per-incident limits only, empty ledger (evaluation only). Each invocation decides
/// <see cref="Workload.Batch"/> requests, cycling through the 100,000, so every number is per decision.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class EvaluationBenchmarks : IDisposable
{
    private ResolutionRequest[] _requests = [];
    private HandWrittenPolicy _floor = null!;
    private RulesEnginePolicy _rulesEngine = null!;
    private ServiceProvider? _services;
    private ResolutionAuthority _authority = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        _requests = Workload.CreateRequests();
        _floor = new HandWrittenPolicy();
        _rulesEngine = new RulesEnginePolicy();
        _services = Workload.BuildServices(Workload.PolicyShape.IncidentOnly);
        _authority = (ResolutionAuthority)_services.GetRequiredService<IResolutionAuthority>();
        Verification.CheckSameOutcomes(_requests, _floor, _authority, _rulesEngine);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _services?.Dispose();
        _services = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Workload.Batch)]
    public int HandWrittenFloor()
    {
        ResolutionRequest[] requests = _requests;
        int start = NextBatch();
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            sum += (int)_floor.Evaluate(requests[i]);
        }

        return sum;
    }

    /// <summary>
    /// EvaluateAsync consumed the way <c>await</c> consumes a ValueTask that completed synchronously
    /// (it always does with the in-memory ledger and built-in conditions; the setup checks this).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int CustomerCraft_Evaluate()
    {
        ResolutionRequest[] requests = _requests;
        int start = NextBatch();
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            ValueTask<AuthorityDecision> pending = _authority.EvaluateAsync(requests[i]);
            AuthorityDecision decision = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            sum += (int)decision.Outcome;
        }

        return sum;
    }

    /// <summary>
    /// EvaluateAsync with <see cref="HeadroomScope.RequestedAction"/>: the same outcome, reasons and
    /// approver, with the requested action's headroom only (what a grant or a one-action check needs).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int CustomerCraft_EvaluateRequestedAction()
    {
        ResolutionRequest[] requests = _requests;
        int start = NextBatch();
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            ValueTask<AuthorityDecision> pending = _authority.EvaluateAsync(requests[i], HeadroomScope.RequestedAction);
            AuthorityDecision decision = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            sum += (int)decision.Outcome;
        }

        return sum;
    }

    /// <summary>EvaluateAsync, then reading <see cref="AuthorityDecision.Reasons"/> (built on demand from the decision's facts).</summary>
    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int CustomerCraft_EvaluateAndReadReasons()
    {
        ResolutionRequest[] requests = _requests;
        int start = NextBatch();
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            ValueTask<AuthorityDecision> pending = _authority.EvaluateAsync(requests[i]);
            AuthorityDecision decision = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            sum += decision.Reasons.Count;
        }

        return sum;
    }

    /// <summary>The same, written as a caller would: an async method awaiting each decision.</summary>
    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public async Task<int> CustomerCraft_EvaluateAwait()
    {
        ResolutionRequest[] requests = _requests;
        int start = NextBatch();
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            AuthorityDecision decision = await _authority.EvaluateAsync(requests[i]).ConfigureAwait(false);
            sum += (int)decision.Outcome;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int RulesEngine_Execute()
    {
        ResolutionRequest[] requests = _requests;
        int start = NextBatch();
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            sum += (int)_rulesEngine.Evaluate(requests[i]);
        }

        return sum;
    }

    private int NextBatch()
    {
        int start = _cursor;
        _cursor = start + Workload.Batch >= Workload.RequestCount ? 0 : start + Workload.Batch;
        return start;
    }
}
