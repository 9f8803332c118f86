using System.Globalization;
using BenchmarkDotNet.Attributes;
using CustomerCraft.Empowerment;
using CustomerCraft.Policy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// What the policy language costs, in one run: the reference workload's policy; the same policy with
/// 40 composed conditions added (all-of / any-of / none-of over typed attributes, none of which
/// matches the workload's requests, so every one is evaluated in full); and the broadband sample
/// policy deciding the requests of its own test file. Every number is per decision.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class PolicyLanguageBenchmarks : IDisposable
{
    /// <summary>How many composed conditions the larger policy adds.</summary>
    public const int ComposedConditions = 40;

    private ResolutionRequest[] _requests = [];
    private ResolutionRequest[] _broadbandRequests = [];
    private ServiceProvider? _reference;
    private ServiceProvider? _composed;
    private ServiceProvider? _broadband;
    private IResolutionAuthority _referenceAuthority = null!;
    private IResolutionAuthority _composedAuthority = null!;
    private IResolutionAuthority _broadbandAuthority = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        _requests = Workload.CreateRequests();
        _reference = Workload.BuildServices(Workload.PolicyShape.IncidentOnly);
        _referenceAuthority = _reference.GetRequiredService<IResolutionAuthority>();

        var composed = new ServiceCollection();
        composed.AddCustomerCraft(WithComposedConditions(Workload.Configuration(Workload.PolicyShape.IncidentOnly)));
        _composed = composed.BuildServiceProvider();
        _composedAuthority = _composed.GetRequiredService<IResolutionAuthority>();

        // The same outcomes: none of the added conditions matches the workload's requests.
        for (int i = 0; i < _requests.Length; i += 97)
        {
            DecisionOutcome reference = _referenceAuthority.EvaluateAsync(_requests[i]).AsTask().GetAwaiter().GetResult().Outcome;
            DecisionOutcome withComposed = _composedAuthority.EvaluateAsync(_requests[i]).AsTask().GetAwaiter().GetResult().Outcome;
            if (reference != withComposed)
            {
                throw new InvalidOperationException($"Request {i}: {reference} with the reference policy, {withComposed} with 40 composed conditions added.");
            }
        }

        IConfigurationSection broadband = new ConfigurationBuilder().AddJsonStream(Resource("broadband.json")).Build().GetSection("CustomerCraft");
        var services = new ServiceCollection();
        services.AddCustomerCraft(broadband);
        _broadband = services.BuildServiceProvider();
        _broadbandAuthority = _broadband.GetRequiredService<IResolutionAuthority>();
        using var reader = new StreamReader(Resource("broadband.tests.json"));
        PolicyTestSuite suite = PolicyTestSuite.Parse(reader.ReadToEnd(), "broadband.tests.json");
        _broadbandRequests = [.. suite.Cases.Where(c => c.ExpectedError is null).Select(c => c.Request)];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _reference?.Dispose();
        _composed?.Dispose();
        _broadband?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Workload.Batch)]
    public int Reference_Evaluate() => Decide(_referenceAuthority, _requests);

    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int Reference_Plus40ComposedConditions_Evaluate() => Decide(_composedAuthority, _requests);

    [Benchmark(OperationsPerInvoke = Workload.Batch)]
    public int Broadband_Evaluate() => Decide(_broadbandAuthority, _broadbandRequests);

    private int Decide(IResolutionAuthority authority, ResolutionRequest[] requests)
    {
        int sum = 0;
        for (int n = 0; n < Workload.Batch; n++)
        {
            ResolutionRequest request = requests[_cursor];
            _cursor = _cursor + 1 == requests.Length ? 0 : _cursor + 1;
            ValueTask<AuthorityDecision> pending = authority.EvaluateAsync(request);
            sum += (int)(pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Outcome;
        }

        return sum;
    }

    /// <summary>
    /// The reference policy plus 40 conditions like a large retailer's: each is all-of a segment
    /// test, any-of (a channel, a reason code) and none-of (a flag), over declared attributes, with
    /// multipliers and approvals. The segments they name never occur in the workload.
    /// </summary>
    private static IConfigurationSection WithComposedConditions(IConfigurationSection reference)
    {
        var settings = reference.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        const string E = "CustomerCraft:Empowerment";
        settings[$"{E}:Attributes:LoyaltyTier:Type"] = "Number";
        settings[$"{E}:Attributes:Flagged:Type"] = "Boolean";
        for (int i = 0; i < ComposedConditions; i++)
        {
            string c = $"{E}:Conditions:Composed{i:00}";
            settings[$"{c}:When:AllOf:0:Attribute"] = "CustomerSegment";
            settings[$"{c}:When:AllOf:0:In:0"] = $"Segment{i:00}";
            settings[$"{c}:When:AllOf:1:AnyOf:0:Attribute"] = "Channel";
            settings[$"{c}:When:AllOf:1:AnyOf:0:In:0"] = "Phone";
            settings[$"{c}:When:AllOf:1:AnyOf:1:Attribute"] = "ReasonCodes";
            settings[$"{c}:When:AllOf:1:AnyOf:1:In:0"] = $"Reason{i:00}";
            settings[$"{c}:When:AllOf:2:NoneOf:0:Attribute"] = "Flagged";
            settings[$"{c}:When:AllOf:2:NoneOf:0:Is"] = "true";
            settings[$"{c}:When:AllOf:3:Attribute"] = "Amount";
            settings[$"{c}:When:AllOf:3:AtLeast"] = (i * 10).ToString(CultureInfo.InvariantCulture);
            if (i % 2 == 0)
            {
                settings[$"{c}:Effect"] = "Multiply";
                settings[$"{c}:Multiplier"] = "1.1";
            }
            else
            {
                settings[$"{c}:Effect"] = "RequireApproval";
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("CustomerCraft");
    }

    private static Stream Resource(string name) =>
        typeof(PolicyLanguageBenchmarks).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"The resource {name} is not embedded.");
}
