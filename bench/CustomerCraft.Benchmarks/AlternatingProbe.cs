using System.Diagnostics;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// A quick timing for comparing two builds on a loaded machine (issue 17, fifth pass): one process
/// times the hand-written floor, decisions, reasons and every action's headroom (5 and 300 actions)
/// twelve times each and prints the fastest round in ns a call. Run it for each build alternately:
/// <c>dotnet run -c Release --project bench/CustomerCraft.Benchmarks -- --probe</c>.
/// </summary>
public static class AlternatingProbe
{
    /// <summary>Times each in turn and prints the fastest round of each.</summary>
    public static void Run()
    {
        ResolutionRequest[] requests = Workload.CreateRequests();
        using ServiceProvider services = Workload.BuildServices(Workload.PolicyShape.IncidentOnly);
        var authority = (ResolutionAuthority)services.GetRequiredService<IResolutionAuthority>();
        var big = new ServiceCollection();
        big.AddCustomerCraft(PolicySizeBenchmarks.Configuration(300, 0));
        using ServiceProvider bigServices = big.BuildServiceProvider();
        var bigAuthority = (ResolutionAuthority)bigServices.GetRequiredService<IResolutionAuthority>();
        var small = new ServiceCollection();
        small.AddCustomerCraft(PolicySizeBenchmarks.Configuration(5, 0));
        using ServiceProvider smallServices = small.BuildServiceProvider();
        var smallAuthority = (ResolutionAuthority)smallServices.GetRequiredService<IResolutionAuthority>();
        var floor = new HandWrittenPolicy();
        var min = new Dictionary<string, double>();
        for (int round = 0; round < 12; round++)
        {
            Measure(min, "floor", requests, requests.Length, r => (int)floor.Evaluate(r));
            Measure(min, "requested", requests, requests.Length, r => (int)authority.EvaluateAsync(r, HeadroomScope.RequestedAction).Result.Outcome);
            Measure(min, "all", requests, requests.Length, r => (int)authority.EvaluateAsync(r).Result.Outcome);
            Measure(min, "reasons", requests, 20_000, r => authority.EvaluateAsync(r).Result.Reasons.Count);
            Measure(min, "read5", requests, 20_000, r => smallAuthority.EvaluateAsync(r).Result.Headroom.Count);
            Measure(min, "read300", requests, 2_000, r => bigAuthority.EvaluateAsync(r).Result.Headroom.Count);
        }

        foreach ((string name, double ns) in min)
        {
            Console.WriteLine($"{name} {ns:F1}");
        }
    }

    private static void Measure(Dictionary<string, double> min, string name, ResolutionRequest[] requests, int count, Func<ResolutionRequest, int> body)
    {
        int sum = 0;
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            sum += body(requests[i]);
        }

        double ns = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / count;
        min[name] = min.TryGetValue(name, out double m) ? Math.Min(m, ns) : ns;
        GC.KeepAlive(sum);
    }
}
