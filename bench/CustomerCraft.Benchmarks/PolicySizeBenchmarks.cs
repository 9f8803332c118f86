using System.Globalization;
using BenchmarkDotNet.Attributes;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// How the cost of a decision grows with the policy (the curve Casbin publishes for its own
/// engine): the reference workload's four roles with <see cref="Actions"/> actions and
/// <see cref="Conditions"/> extra conditions that never match (each tests a reason code nobody
/// sends), on the empty in-memory ledger. Requests ask about the first five actions, as the
/// reference workload does, so only the policy's size changes.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class PolicySizeBenchmarks : IDisposable
{
    private ResolutionRequest[] _requests = [];
    private ServiceProvider? _services;
    private ResolutionAuthority _authority = null!;
    private int _cursor;

    /// <summary>Actions in the policy: the reference 5, a mid-size 20, and a large retailer's 100 and 300.</summary>
    [Params(5, 20, 100, 300)]
    public int Actions { get; set; }

    /// <summary>Conditions beyond the reference two that never match: 0, 64 and 256.</summary>
    [Params(0, 64, 256)]
    public int Conditions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _requests = Workload.CreateRequests();
        var services = new ServiceCollection();
        services.AddCustomerCraft(Configuration(Actions, Conditions));
        _services = services.BuildServiceProvider();
        _authority = (ResolutionAuthority)_services.GetRequiredService<IResolutionAuthority>();
        foreach (ResolutionRequest request in _requests.AsSpan(0, 1000))
        {
            if (!_authority.EvaluateAsync(request).IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("EvaluateAsync completed asynchronously.");
            }
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _services?.Dispose();
        _services = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Every action's headroom (the default).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Workload.Batch)]
    public int AllActionsHeadroom() => Run(HeadroomScope.AllActions);

    /// <summary>The requested action's headroom only.</summary>
    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int RequestedActionHeadroom() => Run(HeadroomScope.RequestedAction);

    /// <summary>
    /// Every action's headroom, then reading it (<see cref="AuthorityDecision.Headroom"/>, the list of
    /// every action's): what a caller pays to show every action's headroom.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int AllActionsHeadroomRead()
    {
        ResolutionRequest[] requests = _requests;
        int start = _cursor;
        _cursor = start + Workload.Batch >= Workload.RequestCount ? 0 : start + Workload.Batch;
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            sum += Workload.Complete(_authority.EvaluateAsync(requests[i])).Headroom.Count;
        }

        return sum;
    }

    private int Run(HeadroomScope headroom)
    {
        ResolutionRequest[] requests = _requests;
        int start = _cursor;
        _cursor = start + Workload.Batch >= Workload.RequestCount ? 0 : start + Workload.Batch;
        int sum = 0;
        for (int i = start; i < start + Workload.Batch; i++)
        {
            sum += (int)Workload.Complete(_authority.EvaluateAsync(requests[i], headroom)).Outcome;
        }

        return sum;
    }

    /// <summary>The reference policy, widened: actions past the fifth get the fifth's limits; conditions past the two test reason codes nobody sends.</summary>
    internal static IConfigurationSection Configuration(int actions, int conditions)
    {
        IConfigurationSection reference = Workload.Configuration(Workload.PolicyShape.IncidentOnly);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string?> pair in reference.AsEnumerable())
        {
            settings[pair.Key] = pair.Value;
        }

        for (int a = Workload.Actions.Length; a < actions; a++)
        {
            string action = "Extra" + a.ToString(CultureInfo.InvariantCulture);
            settings[$"CustomerCraft:Empowerment:Actions:{action}:Description"] = action;
            for (int r = 0; r < Workload.Roles.Length; r++)
            {
                settings[$"CustomerCraft:Empowerment:Roles:{Workload.Roles[r]}:Limits:{action}:PerIncident:Amount"] =
                    Workload.IncidentLimits[r, Workload.Actions.Length - 1].ToString(CultureInfo.InvariantCulture);
            }
        }

        for (int c = 0; c < conditions; c++)
        {
            string condition = $"CustomerCraft:Empowerment:Conditions:Unused{c:D3}";
            settings[$"{condition}:When:Attribute"] = "ReasonCodes";
            settings[$"{condition}:When:In:0"] = "NeverSent" + c.ToString(CultureInfo.InvariantCulture);
            settings[$"{condition}:Effect"] = "Multiply";
            settings[$"{condition}:Multiplier"] = "2";
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("CustomerCraft");
    }
}
