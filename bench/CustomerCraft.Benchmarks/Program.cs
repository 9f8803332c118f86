using BenchmarkDotNet.Running;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project bench/CustomerCraft.Benchmarks -- --filter '*'</c>;
/// <c>-- --retained</c> measures the memory grants keep alive instead; <c>-- --budgeted-loop [Today|Last30Days] [rounds]</c>
/// runs the three-budget evaluation as a plain loop (for a profiler); <c>-- --probe</c> is a quick
/// timing for comparing two builds alternately (<see cref="AlternatingProbe"/>); <c>-- --storage-loop [sqlite|postgres] [grants] [rounds]</c>
/// runs stored grants as a plain loop (<see cref="StorageLoop"/>), <c>-- --grant-loop [grants] [rounds]</c> in-memory ones (<see cref="GrantLoop"/>).
/// See docs/benchmarks.md for the workload, the results and how to read them.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--probe"])
        {
            AlternatingProbe.Run();
            return;
        }

        if (args is ["--retained"])
        {
            RetainedMemory.Run();
            return;
        }

        if (args is ["--budgeted-loop", .. string[] rest])
        {
            BudgetedLoop.Run(rest.Length > 0 ? rest[0] : "Today", rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 6);
            return;
        }

        if (args is ["--grant-loop", .. string[] grantLoop])
        {
            GrantLoop.Run(
                grantLoop.Length > 0 ? int.Parse(grantLoop[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000,
                grantLoop.Length > 1 ? int.Parse(grantLoop[1], System.Globalization.CultureInfo.InvariantCulture) : 10);
            return;
        }

        if (args is ["--storage-loop", .. string[] loop])
        {
            StorageLoop.Run(
                loop.Length > 0 ? loop[0] : "sqlite",
                loop.Length > 1 ? int.Parse(loop[1], System.Globalization.CultureInfo.InvariantCulture) : 2000,
                loop.Length > 2 ? int.Parse(loop[2], System.Globalization.CultureInfo.InvariantCulture) : 4);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
