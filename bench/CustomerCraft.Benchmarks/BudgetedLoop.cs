using System.Diagnostics;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// <see cref="BudgetedEvaluationBenchmarks"/> as a plain loop, for a profiler (<c>perf record</c>)
/// and for a before/after comparison on a loaded machine: the three-budget evaluation and the
/// per-incident baseline alternately (0.5 s and 0.25 s a round), printing each round's wall and
/// process CPU time per decision and, at the end, the least of each and their ratio. Run with
/// <c>-- --budgeted-loop [Today|Last30Days] [rounds]</c>.
/// </summary>
internal static class BudgetedLoop
{
    public static void Run(string history, int rounds)
    {
        using var benchmarks = new BudgetedEvaluationBenchmarks { History = Enum.Parse<BudgetedEvaluationBenchmarks.GrantHistory>(history, ignoreCase: true) };
        benchmarks.Setup();
        double three = double.MaxValue, threeCpu = double.MaxValue, baseline = double.MaxValue, baselineCpu = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            (double wall3, double cpu3) = Measure(benchmarks.Evaluate_ThreeBudgets, 500);
            (double wall1, double cpu1) = Measure(benchmarks.Evaluate_IncidentOnly_EmptyLedger, 250);
            three = Math.Min(three, wall3);
            threeCpu = Math.Min(threeCpu, cpu3);
            baseline = Math.Min(baseline, wall1);
            baselineCpu = Math.Min(baselineCpu, cpu1);
            Console.WriteLine(FormattableString.Invariant($"three budgets {wall3:F0} ns (CPU {cpu3:F0} ns), incident only {wall1:F0} ns (CPU {cpu1:F0} ns)"));
        }

        Console.WriteLine(FormattableString.Invariant($"least: three budgets {three:F0} ns (CPU {threeCpu:F0} ns), incident only {baseline:F0} ns (CPU {baselineCpu:F0} ns), ratio {three / baseline:F2} (CPU {threeCpu / baselineCpu:F2})"));
    }

    private static (double Wall, double Cpu) Measure(Func<int> run, int milliseconds)
    {
        using Process process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        long decisions = 0;
        int sum = 0;
        while (Stopwatch.GetElapsedTime(started).TotalMilliseconds < milliseconds)
        {
            sum += run();
            decisions += Workload.Batch;
        }

        double wall = Stopwatch.GetElapsedTime(started).TotalNanoseconds / decisions;
        process.Refresh();
        GC.KeepAlive(sum);
        return (wall, (process.TotalProcessorTime - cpu).TotalNanoseconds / decisions);
    }
}
