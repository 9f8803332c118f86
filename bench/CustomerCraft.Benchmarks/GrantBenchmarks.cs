using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
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

        // Check once that every grant is made and completes synchronously.
        Reset();
        int asynchronous = 0;
        foreach (ResolutionRequest request in _requests.AsSpan(0, GrantsPerIteration))
        {
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
/// The grant jobs: the same job (10 warm-up iterations, enough for tiered compilation to reach its final code, and 10 measured, a fixed number of
/// invocations per iteration) once with the workstation garbage collector, the default for a
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
