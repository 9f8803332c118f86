using BenchmarkDotNet.Running;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project bench/CustomerCraft.Benchmarks -- --filter '*'</c>;
/// <c>-- --retained</c> measures the memory grants keep alive instead; <c>-- --probe</c> is a quick
/// timing for comparing two builds alternately (<see cref="AlternatingProbe"/>).
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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
