using System.Globalization;
using BenchmarkDotNet.Attributes;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// What a large policy costs to start and to keep: 300 roles by 20 actions (6,000 limits with three
/// budgets each, about 42,000 configuration keys). Starting is binding, validating and compiling the
/// section through <c>AddCustomerCraft</c> until the engine resolves; an unrelated reload is a change
/// to another section of the same configuration, which CustomerCraft must notice is not its own.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class PolicyStartupBenchmarks : IDisposable
{
    public const int Roles = 300;
    public const int Actions = 20;

    private Dictionary<string, string?> _settings = [];
    private IConfigurationRoot _root = null!;
    private ServiceProvider? _running;
    private int _unrelated;

    [GlobalSetup]
    public void Setup()
    {
        _settings = LargePolicy();
        _root = new ConfigurationBuilder().AddInMemoryCollection(_settings).Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(_root.GetSection("CustomerCraft"));
        _running = services.BuildServiceProvider();
        _ = _running.GetRequiredService<IResolutionAuthority>();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _running?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A host starting with the large policy: bind, validate, compile, resolve the engine.</summary>
    [Benchmark]
    public IResolutionAuthority Start()
    {
        IConfigurationRoot root = new ConfigurationBuilder().AddInMemoryCollection(_settings).Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(root.GetSection("CustomerCraft"));
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IResolutionAuthority>();
    }

    /// <summary>A running host told that another section changed: the CustomerCraft section is read and found unchanged.</summary>
    [Benchmark]
    public void UnrelatedReload()
    {
        _root["Logging:LogLevel:Default"] = (++_unrelated % 2 == 0) ? "Information" : "Warning";
        _root.Reload();
    }

    private static Dictionary<string, string?> LargePolicy()
    {
        var s = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["CustomerCraft:Empowerment:Currency"] = "USD",
            ["CustomerCraft:Empowerment:TimeZone"] = "UTC",
            ["Logging:LogLevel:Default"] = "Information",
        };
        for (int a = 0; a < Actions; a++)
        {
            s[$"CustomerCraft:Empowerment:Actions:Action{a:00}:Description"] = $"Action {a}";
        }

        for (int r = 0; r < Roles; r++)
        {
            string role = $"CustomerCraft:Empowerment:Roles:Role{r:000}";
            s[$"{role}:Rank"] = (r * 10).ToString(CultureInfo.InvariantCulture);
            for (int a = 0; a < Actions; a++)
            {
                string limit = $"{role}:Limits:Action{a:00}";
                string amount = ((r + 1) * 100).ToString(CultureInfo.InvariantCulture);
                s[$"{limit}:PerIncident:Amount"] = amount;
                s[$"{limit}:PerCustomer:Amount"] = amount;
                s[$"{limit}:PerCustomer:Window"] = "Month";
                s[$"{limit}:PerAgent:Amount"] = amount;
                s[$"{limit}:PerAgent:Window"] = "Day";
                s[$"{limit}:PerIncident:Count"] = (r + 1).ToString(CultureInfo.InvariantCulture);
            }
        }

        return s;
    }
}
