using System.Diagnostics;
using System.Globalization;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// Stored grants as a plain loop, for a profiler (issue 17, goal 5): one instance on a new
/// database, eight workers, uncontended budgets, rounds of <c>grants</c> grants, each round's
/// grants a second, process CPU time and bytes allocated per grant printed. With
/// <c>CUSTOMERCRAFT_BENCH_ALLOCATIONS=1</c> the last round's allocations are also sampled by type
/// (the runtime's <c>GCAllocationTick</c> events, about one per 100 KB: proportions, not bytes).
/// <c>dotnet run -c Release --project bench/CustomerCraft.Benchmarks -- --storage-loop [sqlite|postgres] [grants] [rounds]</c>.
/// </summary>
public static class StorageLoop
{
    private const int Workers = 8;

    /// <summary>Runs the rounds and prints one line per round.</summary>
    public static void Run(string engine, int grants, int rounds) => RunAsync(engine, grants, rounds).GetAwaiter().GetResult();

    private static async Task RunAsync(string engine, int grants, int rounds)
    {
        StorageEngine storage = engine.Equals("postgres", StringComparison.OrdinalIgnoreCase) ? StorageEngine.PostgreSql : StorageEngine.Sqlite;
        ThreadPool.GetMinThreads(out int workerThreads, out int ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, 4 * Workers), ioThreads);
        StorageDatabase database = await StorageDatabase.CreateAsync(storage).ConfigureAwait(false);
        ServiceProvider instance = database.Instance(Workload.Configuration(Workload.PolicyShape.Generous));
        IResolutionAuthority authority = instance.GetRequiredService<IResolutionAuthority>();
        string run = Guid.NewGuid().ToString("N")[..8];
        long sequence = 0;
        using AllocationSampler? sampler = Environment.GetEnvironmentVariable("CUSTOMERCRAFT_BENCH_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        for (int round = 0; round < rounds; round++)
        {
            if (round == rounds - 1)
            {
                sampler?.Start();
            }

            long first = sequence;
            sequence += grants;
            int cursor = -1;
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            long started = Stopwatch.GetTimestamp();
            int[] made = await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                int granted = 0;
                for (int i = Interlocked.Increment(ref cursor); i < grants; i = Interlocked.Increment(ref cursor))
                {
                    string id = (first + i).ToString(CultureInfo.InvariantCulture);
                    GrantResult result = await authority.GrantAsync(new ResolutionRequest
                    {
                        AgentId = $"agent-{run}-{id}",
                        Role = "Agent",
                        CustomerId = $"customer-{run}-{id}",
                        IncidentId = $"incident-{run}-{id}",
                        Action = "Refund",
                        Amount = 1 + ((first + i) % 100),
                        IdempotencyKey = $"grant-{run}-{id}",
                    }).ConfigureAwait(false);
                    granted += result.IsGranted ? 1 : 0;
                }

                return granted;
            }))).ConfigureAwait(false);
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            long bytes = GC.GetTotalAllocatedBytes(precise: false) - allocated;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// Round {round + 1}: {made.Sum()} of {grants} granted, {grants / seconds:F0} grants/s, CPU {cpuMs * 1000 / grants:F0} us a grant, {bytes / 1024.0 / grants:F1} KB allocated a grant."));
        }

        sampler?.Print(grants);
        if (Environment.GetEnvironmentVariable("CUSTOMERCRAFT_BENCH_KEEP") == "1")
        {
            Console.WriteLine($"// Kept: {database.ConnectionString}");
            await instance.DisposeAsync().ConfigureAwait(false);
            return;
        }

        await database.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Sums the runtime's allocation samples by type.</summary>
    private sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _bytes = new();
        private volatile bool _on;

        public void Start() => _on = true;

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
        {
            if (_on && eventData.EventName is { } name && name.StartsWith("GCAllocationTick", StringComparison.Ordinal) && eventData.Payload is { } payload)
            {
                int type = eventData.PayloadNames!.IndexOf("TypeName");
                int amount = eventData.PayloadNames!.IndexOf("AllocationAmount64");
                long bytes = Convert.ToInt64(payload[amount], CultureInfo.InvariantCulture);
                _bytes.AddOrUpdate((string)payload[type]!, bytes, (_, sum) => sum + bytes);
            }
        }

        public void Print(int grants)
        {
            foreach (KeyValuePair<string, long> pair in _bytes.OrderByDescending(p => p.Value).Take(30))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {pair.Value / grants,8} B a grant  {pair.Key}"));
            }
        }
    }
}
