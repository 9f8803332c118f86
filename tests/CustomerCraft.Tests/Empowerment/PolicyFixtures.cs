using CustomerCraft.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.Tests.Empowerment;

/// <summary>Builds containers over small, readable policies written for the tests.</summary>
internal static class PolicyFixtures
{
    /// <summary>Monday 2026-03-02 10:00 in New York (15:00 UTC).</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    /// <summary>A three-role policy: Agent 100 / SeniorAgent 250 / TeamLead 1000 per incident for refunds.</summary>
    public static Dictionary<string, string?> Basic() => new()
    {
        ["CustomerCraft:Empowerment:Currency"] = "USD",
        ["CustomerCraft:Empowerment:TimeZone"] = "America/New_York",
        ["CustomerCraft:Empowerment:Actions:Refund:Description"] = "Money back",
        ["CustomerCraft:Empowerment:Actions:Credit:Description"] = "Account credit",
        ["CustomerCraft:Empowerment:Roles:Bot:Rank"] = "5",
        ["CustomerCraft:Empowerment:Roles:Bot:IsBot"] = "true",
        ["CustomerCraft:Empowerment:Roles:Bot:Limits:Credit:PerIncident:Amount"] = "10",
        ["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "10",
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "100",
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Credit:PerIncident:Amount"] = "50",
        ["CustomerCraft:Empowerment:Roles:SeniorAgent:Rank"] = "20",
        ["CustomerCraft:Empowerment:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount"] = "250",
        ["CustomerCraft:Empowerment:Roles:SeniorAgent:Limits:Credit:PerIncident:Amount"] = "100",
        ["CustomerCraft:Empowerment:Roles:TeamLead:Rank"] = "30",
        ["CustomerCraft:Empowerment:Roles:TeamLead:Limits:Refund:PerIncident:Amount"] = "1000",
        ["CustomerCraft:Empowerment:Roles:TeamLead:Limits:Credit:PerIncident:Amount"] = "500",
    };

    public static TestHost Build(IDictionary<string, string?> settings, Action<ICustomerCraftBuilder>? configure = null, FakeTimeProvider? time = null)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return Build(configuration, configure, time);
    }

    public static TestHost Build(IConfigurationRoot configuration, Action<ICustomerCraftBuilder>? configure = null, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(time);
        ICustomerCraftBuilder builder = services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        configure?.Invoke(builder);
        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new TestHost(provider, time, configuration);
    }

    public static ResolutionRequest Refund(decimal amount, string role = "Agent", string agent = "ana", string customer = "C-1", string incident = "T-1", string? key = null) => new()
    {
        AgentId = agent,
        Role = role,
        CustomerId = customer,
        IncidentId = incident,
        Action = "Refund",
        Amount = amount,
        IdempotencyKey = key,
    };
}

internal sealed class TestHost(ServiceProvider services, FakeTimeProvider time, IConfigurationRoot configuration) : IDisposable
{
    public ServiceProvider Services { get; } = services;

    public FakeTimeProvider Time { get; } = time;

    public IConfigurationRoot Configuration { get; } = configuration;

    public IResolutionAuthority Authority => Services.GetRequiredService<IResolutionAuthority>();

    public void Dispose() => Services.Dispose();
}
