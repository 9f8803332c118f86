using CustomerCraft.Empowerment;
using CustomerCraft.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// What grants keep alive, which BenchmarkDotNet's allocation column cannot say: the managed heap
/// after a full collection, before and after 100,000 grants on the default in-memory stores (the
/// ledger and the decision log), then after a retention pass 40 days later (past the 30-day
/// customer window). Run with <c>-- --retained</c>.
/// </summary>
internal static class RetainedMemory
{
    public static void Run()
    {
        ResolutionRequest[] requests = GrantBenchmarksBase.CreateGrantRequests();
        Measure(requests, incidentBudgets: null);
        Measure(requests, incidentBudgets: TimeSpan.FromDays(30));
    }

    private static void Measure(ResolutionRequest[] requests, TimeSpan? incidentBudgets)
    {
        var clock = new ShiftableClock();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddCustomerCraft(Workload.Configuration(Workload.PolicyShape.Generous), options => options.Retention.IncidentBudgets = incidentBudgets);
        using ServiceProvider provider = services.BuildServiceProvider();
        IResolutionAuthority authority = provider.GetRequiredService<IResolutionAuthority>();
        IDataRetention retention = provider.GetRequiredService<IDataRetention>();

        // Warm up on a few grants the measurement keeps (their cost is inside the total, so the
        // per-grant figure is if anything slightly high).
        for (int i = 0; i < 100; i++)
        {
            Workload.Complete(authority.GrantAsync(requests[i]));
        }

        long before = Heap();
        for (int i = 100; i < requests.Length; i++)
        {
            if (!Workload.Complete(authority.GrantAsync(requests[i])).IsGranted)
            {
                throw new InvalidOperationException($"Grant {requests[i].IdempotencyKey} was refused.");
            }
        }

        long afterGrants = Heap();
        int grants = requests.Length - 100;
        clock.Shift = TimeSpan.FromDays(40);
        RetentionResult pruned = retention.PruneAsync().AsTask().GetAwaiter().GetResult();
        long afterPrune = Heap();

        Console.WriteLine($"Retention:IncidentBudgets {(incidentBudgets is null ? "unset (default)" : incidentBudgets.Value.ToString())}");
        Console.WriteLine($"  retained by {grants:N0} grants: {afterGrants - before:N0} B, {(afterGrants - before) / (double)grants:N0} B per grant");
        Console.WriteLine($"  after a retention pass 40 days later ({pruned.Charges:N0} charges, {pruned.Grants:N0} grants, {pruned.Budgets:N0} budgets, {pruned.Decisions:N0} decision records removed): {afterPrune - before:N0} B, {(afterPrune - before) / (double)grants:N0} B per grant made");
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
