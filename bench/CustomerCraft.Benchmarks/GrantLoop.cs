using System.Diagnostics;
using System.Globalization;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// In-memory grants as a plain loop, for a profiler (issue 17, goal 4): the grant benchmarks'
/// 100,000 requests on a fresh container each round, one thread; each round's time per grant,
/// bytes allocated per grant and collections printed.
/// <c>dotnet run -c Release --project bench/CustomerCraft.Benchmarks -- --grant-loop [grants] [rounds]</c>.
/// </summary>
public static class GrantLoop
{
    /// <summary>Runs the rounds and prints one line per round.</summary>
    public static void Run(int grants, int rounds)
    {
        ResolutionRequest[] requests = GrantBenchmarksBase.CreateGrantRequests();
        grants = Math.Min(grants, requests.Length);
        for (int round = 0; round < rounds; round++)
        {
            using ServiceProvider services = Workload.BuildServices(Workload.PolicyShape.Generous);
            IResolutionAuthority authority = services.GetRequiredService<IResolutionAuthority>();
            GC.Collect();
            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < grants; i++)
            {
                _ = Workload.Complete(authority.GrantAsync(requests[i]));
            }

            double us = Stopwatch.GetElapsedTime(started).TotalMicroseconds / grants;
            long bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// Round {round + 1}: {us:F2} us a grant, {bytes / (double)grants:F0} B allocated a grant, collections gen0/1/2 {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}."));
        }
    }
}
