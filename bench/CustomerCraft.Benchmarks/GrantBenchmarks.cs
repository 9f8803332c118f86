using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// GrantAsync on the default in-memory ledger and decision log, with the three budgets configured
/// (limits generous enough never to run out). Every grant has a new idempotency key and its own
/// incident; customers (10,000) and agents (1,000) repeat, as they do in a real day.
/// </summary>
/// <remarks>
/// Each iteration starts from a fresh container (an empty ledger) and makes the same grants:
/// <c>InvocationCount</c> invocations of <see cref="GrantsPerInvoke"/> grants, so the ledger grows
/// from empty to <c>InvocationCount x 2,000</c> grants in every iteration and the number includes
/// the cost of growing it. The two subclasses differ only in that size.
/// <para>
/// The parallel variants split the same 2,000 grants of an invocation over 1 or 2 threads;
/// request i goes to thread i mod N, and customers and agents are assigned so that the threads
/// never share a budget. Their per-operation time is wall-clock time per grant: with perfect
/// scaling, the two-thread number is half the one-thread number.
/// </para>
/// </remarks>
public abstract class GrantBenchmarksBase : IDisposable
{
    /// <summary>Grants per benchmark invocation.</summary>
    public const int GrantsPerInvoke = 2_000;

    /// <summary>The most grants any iteration makes (the requests prepared), each with its own idempotency key.</summary>
    public const int MaxGrantsPerIteration = 100_000;

    private const int Customers = 10_000;
    private const int Agents = 1_000;

    private ResolutionRequest[] _requests = [];
    private ServiceProvider? _services;
    private IResolutionAuthority _authority = null!;
    private int _cursor;

    /// <summary>How many grants each iteration makes (the ledger's size at the end of an iteration).</summary>
    protected abstract int GrantsPerIteration { get; }

    [GlobalSetup]
    public void Setup()
    {
        _requests = CreateGrantRequests();

        // Check once that every grant is made and completes synchronously. These are the first
        // grants of the process: the first invocation's worth is timed and reported as the cold cost.
        Reset();
        int asynchronous = 0;
        long started = Stopwatch.GetTimestamp();
        double coldMicroseconds = 0;
        int made = 0;
        foreach (ResolutionRequest request in _requests.AsSpan(0, GrantsPerIteration))
        {
            if (made++ == GrantsPerInvoke)
            {
                coldMicroseconds = Stopwatch.GetElapsedTime(started).TotalMicroseconds / GrantsPerInvoke;
            }

            ValueTask<GrantResult> pending = _authority.GrantAsync(request);
            asynchronous += pending.IsCompletedSuccessfully ? 0 : 1;
            if (!Workload.Complete(pending).IsGranted)
            {
                throw new InvalidOperationException($"Grant {request.IdempotencyKey} was refused; the generous policy should allow every grant.");
            }
        }

        if (asynchronous > 0)
        {
            throw new InvalidOperationException($"GrantAsync completed asynchronously {asynchronous} times.");
        }

        Console.WriteLine($"// Verified: {GrantsPerIteration} grants made on a fresh ledger, all completed synchronously.");
        Console.WriteLine(FormattableString.Invariant($"// Cold: the process's first {GrantsPerInvoke} grants took {coldMicroseconds:F2} us a grant."));
        WarmUpUntilTieringSettles();
    }

    /// <summary>
    /// Makes grants on fresh ledgers, in rounds of one iteration's grants (at most 10,000) with a
    /// pause after each for the background compiler, until a round compiles no new method twice in
    /// a row: the code the measured iterations run is then the final (tier-1) code, whatever warm-up
    /// count the job has. Reports the rounds it took.
    /// </summary>
    private void WarmUpUntilTieringSettles()
    {
        const int MinRounds = 3;
        const int MaxRounds = 20;
        int grantsPerRound = Math.Min(GrantsPerIteration, 10_000);
        long started = Stopwatch.GetTimestamp();
        long compiled = 0;
        int quietRounds = 0;
        int rounds = 0;
        double lastRoundMicroseconds = 0;
        while (rounds < MaxRounds && (rounds < MinRounds || quietRounds < 2))
        {
            // A new container compiles its own resolvers (dynamic methods): let that finish before
            // counting, so that only what the grants themselves compile is counted.
            Reset();
            Thread.Sleep(100);
            long before = JitInfo.GetCompiledMethodCount();
            long roundStarted = Stopwatch.GetTimestamp();
            for (int i = 0; i < grantsPerRound; i++)
            {
                _ = Workload.Complete(_authority.GrantAsync(_requests[i]));
            }

            lastRoundMicroseconds = Stopwatch.GetElapsedTime(roundStarted).TotalMicroseconds / grantsPerRound;
            rounds++;
            Thread.Sleep(150);
            compiled = JitInfo.GetCompiledMethodCount() - before;
            quietRounds = compiled == 0 ? quietRounds + 1 : 0;
        }

        Console.WriteLine(FormattableString.Invariant(
            $"// Warm-up: {rounds} rounds of {grantsPerRound} grants in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s, {(quietRounds >= 2 ? "settled (no method compiled in the last two)" : $"NOT settled ({compiled} methods compiled in the last)")}; the last round took {lastRoundMicroseconds:F2} us a grant."));
        Reset();
    }

    /// <summary>
    /// A fresh container and ledger before each iteration, so that every iteration makes the same
    /// grants. The previous iteration's ledger is collected here, outside the measurement, so that
    /// an iteration pays only for the garbage collections its own grants cause.
    /// </summary>
    [IterationSetup]
    public void Reset()
    {
        _services?.Dispose();
        _services = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _services = Workload.BuildServices(Workload.PolicyShape.Generous);
        _authority = _services.GetRequiredService<IResolutionAuthority>();
        _cursor = 0;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _services?.Dispose();
        _services = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>One thread, one grant after another.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = GrantsPerInvoke)]
    public int GrantAsync_Uncontended()
    {
        ResolutionRequest[] requests = _requests;
        int start = _cursor;
        _cursor += GrantsPerInvoke;
        int granted = 0;
        for (int i = start; i < start + GrantsPerInvoke; i++)
        {
            ValueTask<GrantResult> pending = _authority.GrantAsync(requests[i]);
            GrantResult result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            granted += result.IsGranted ? 1 : 0;
        }

        return granted;
    }

    /// <summary>The same grants on one thread, through the parallel harness (its overhead included).</summary>
    [Benchmark(OperationsPerInvoke = GrantsPerInvoke)]
    public int GrantAsync_Parallel_1Thread() => GrantInParallel(1);

    /// <summary>The same grants split over two threads that touch disjoint budgets.</summary>
    [Benchmark(OperationsPerInvoke = GrantsPerInvoke)]
    public int GrantAsync_Parallel_2Threads() => GrantInParallel(2);

    private int GrantInParallel(int threads)
    {
        ResolutionRequest[] requests = _requests;
        IResolutionAuthority authority = _authority;
        int start = _cursor;
        _cursor += GrantsPerInvoke;
        int granted = 0;
        Parallel.For(
            0,
            threads,
            new ParallelOptions { MaxDegreeOfParallelism = threads },
            thread =>
            {
                int mine = 0;
                for (int i = start + thread; i < start + GrantsPerInvoke; i += threads)
                {
                    ValueTask<GrantResult> pending = authority.GrantAsync(requests[i]);
                    GrantResult result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
                    mine += result.IsGranted ? 1 : 0;
                }

                Interlocked.Add(ref granted, mine);
            });
        return granted;
    }

    /// <summary>
    /// 100,000 grant requests of 1 to 100 USD, each with its own idempotency key and incident.
    /// Request i uses a customer and an agent whose index has the parity of i, so that with two
    /// threads (even and odd requests) no budget is shared between threads.
    /// </summary>
    internal static ResolutionRequest[] CreateGrantRequests()
    {
        var random = new Random(42);
        string[] customers = Ids("grant-customer-", Customers);
        string[] agents = Ids("grant-agent-", Agents);
        var requests = new ResolutionRequest[MaxGrantsPerIteration];
        for (int i = 0; i < requests.Length; i++)
        {
            int parity = i % 2;
            string suffix = i.ToString("D6", CultureInfo.InvariantCulture);
            requests[i] = new ResolutionRequest
            {
                AgentId = agents[(random.Next(Agents / 2) * 2) + parity],
                Role = Workload.Roles[random.Next(Workload.Roles.Length)],
                CustomerId = customers[(random.Next(Customers / 2) * 2) + parity],
                IncidentId = "grant-incident-" + suffix,
                Action = Workload.Actions[random.Next(Workload.Actions.Length)],
                Amount = random.Next(1_00, 100_00 + 1) / 100m,
                CustomerSegment = Workload.Segments[random.Next(Workload.Segments.Length)],
                IdempotencyKey = "grant-" + suffix,
            };
        }

        return requests;
    }

    private static string[] Ids(string prefix, int count)
    {
        string[] ids = new string[count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = prefix + i.ToString("D6", CultureInfo.InvariantCulture);
        }

        return ids;
    }
}

/// <summary>GrantAsync with the ledger growing from empty to 100,000 grants in each iteration (50 invocations of 2,000).</summary>
[Config(typeof(GrantJobs.Invocations50))]
public class GrantBenchmarks : GrantBenchmarksBase
{
    protected override int GrantsPerIteration => 50 * GrantsPerInvoke;
}

/// <summary>GrantAsync with the ledger growing from empty to 10,000 grants in each iteration (5 invocations of 2,000): a working set that stays mostly in cache.</summary>
[Config(typeof(GrantJobs.Invocations5))]
public class GrantSmallLedgerBenchmarks : GrantBenchmarksBase
{
    protected override int GrantsPerIteration => 5 * GrantsPerInvoke;
}

/// <summary>
/// The grant jobs: the same job (10 warm-up iterations and 10 measured, a fixed number of invocations
/// per iteration, after a global setup that makes grants until tiered compilation has settled; see
/// <see cref="GrantColdStartBenchmarks"/> for the cold cost) once with the workstation garbage collector, the default for a
/// console process, and once with the server collector, the default for ASP.NET Core hosts.
/// </summary>
public abstract class GrantJobs : ManualConfig
{
    private GrantJobs(int invocationsPerIteration)
    {
        Job job = Job.Default.WithWarmupCount(10).WithIterationCount(10).WithInvocationCount(invocationsPerIteration).WithUnrollFactor(1);
        AddJob(job.WithGcServer(false).WithId("WorkstationGC"));
        AddJob(job.WithGcServer(true).WithId("ServerGC"));
        AddDiagnoser(MemoryDiagnoser.Default);
    }

    /// <summary>50 invocations per iteration.</summary>
    public sealed class Invocations50 : GrantJobs
    {
        public Invocations50()
            : base(50)
        {
        }
    }

    /// <summary>5 invocations per iteration.</summary>
    public sealed class Invocations5 : GrantJobs
    {
        public Invocations5()
            : base(5)
        {
        }
    }
}

/// <summary>
/// The warm-up cost, reported apart from the steady state: the first 2,000 grants a process makes
/// (<see cref="RunStrategy.ColdStart"/>: no jitting, pilot or warm-up stage before the measured
/// invocation), on a fresh container and ledger, in five processes per collector. The time per grant
/// includes compiling the grant path (tier 0) and everything's first use; compare it with
/// <see cref="GrantSmallLedgerBenchmarks"/>, which measures the same grants once compilation has settled.
/// </summary>
[Config(typeof(GrantColdStartJobs))]
public class GrantColdStartBenchmarks : IDisposable
{
    private ResolutionRequest[] _requests = [];
    private ServiceProvider? _services;
    private IResolutionAuthority _authority = null!;

    [GlobalSetup]
    public void Setup() => _requests = GrantBenchmarksBase.CreateGrantRequests()[..GrantBenchmarksBase.GrantsPerInvoke];

    /// <summary>A fresh container and ledger before each invocation (the memory diagnoser's makes the same grants).</summary>
    [IterationSetup]
    public void Reset()
    {
        _services?.Dispose();
        _services = Workload.BuildServices(Workload.PolicyShape.Generous);
        _authority = _services.GetRequiredService<IResolutionAuthority>();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _services?.Dispose();
        _services = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>The process's first 2,000 grants, one after another on one thread.</summary>
    [Benchmark(OperationsPerInvoke = GrantBenchmarksBase.GrantsPerInvoke)]
    public int GrantAsync_First2000()
    {
        int granted = 0;
        foreach (ResolutionRequest request in _requests)
        {
            granted += Workload.Complete(_authority.GrantAsync(request)).IsGranted ? 1 : 0;
        }

        return granted == _requests.Length
            ? granted
            : throw new InvalidOperationException($"Only {granted} of {_requests.Length} grants were made; the generous policy should allow every grant.");
    }
}

/// <summary>Cold-start jobs for <see cref="GrantColdStartBenchmarks"/>: one measured invocation in each of five processes, per collector.</summary>
public sealed class GrantColdStartJobs : ManualConfig
{
    public GrantColdStartJobs()
    {
        Job job = Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(5).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1);
        AddJob(job.WithGcServer(false).WithId("WorkstationGC"));
        AddJob(job.WithGcServer(true).WithId("ServerGC"));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
