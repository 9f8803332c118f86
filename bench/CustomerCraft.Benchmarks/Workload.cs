using System.Globalization;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// The reference workload shared by every benchmark: 4 roles x 5 actions, a Platinum x1.5 segment
/// multiplier, a FraudSuspected -> Deny reason-code condition, and 100,000 random requests drawn
/// from <c>new Random(42)</c>.
/// </summary>
public static class Workload
{
    /// <summary>How many requests the reference workload has.</summary>
    public const int RequestCount = 100_000;

    /// <summary>Requests processed per benchmark invocation (BenchmarkDotNet's OperationsPerInvoke).</summary>
    public const int Batch = 1_000;

    /// <summary>Distinct agents in the workload.</summary>
    public const int AgentCount = 50;

    /// <summary>Distinct customers in the workload.</summary>
    public const int CustomerCount = 1_000;

    /// <summary>Distinct incidents in the workload.</summary>
    public const int IncidentCount = 20_000;

    /// <summary>The roles, lowest rank first.</summary>
    public static readonly string[] Roles = ["Agent", "SeniorAgent", "TeamLead", "Manager"];

    /// <summary>The ranks of <see cref="Roles"/>.</summary>
    public static readonly int[] Ranks = [10, 20, 30, 40];

    /// <summary>The actions.</summary>
    public static readonly string[] Actions =
    [
        "Refund",
        "Credit",
        "Replacement",
        "FeeWaiver",
        "Goodwill",
    ];

    /// <summary>Per-incident amount limits, [role, action]; a higher role always has at least the lower role's authority.</summary>
    public static readonly decimal[,] IncidentLimits =
    {
        //  Refund, Credit, Replacement, FeeWaiver, Goodwill
        { 100m, 75m, 250m, 50m, 200m },        // Agent
        { 250m, 200m, 500m, 100m, 500m },      // SeniorAgent
        { 1000m, 750m, 2000m, 500m, 2000m },   // TeamLead
        { 5000m, 5000m, 10000m, 2500m, 5000m }, // Manager
    };

    /// <summary>Per-incident count limits for the budgeted policy, by role.</summary>
    public static readonly int[] IncidentCounts = [3, 5, 10, 20];

    /// <summary>Per-customer 30-day rolling amount budgets for the budgeted policy, by role.</summary>
    public static readonly decimal[] CustomerAmounts = [1_000m, 2_000m, 5_000m, 20_000m];

    /// <summary>Per-customer 30-day rolling count budgets for the budgeted policy, by role.</summary>
    public static readonly int[] CustomerCounts = [10, 20, 50, 100];

    /// <summary>Per-agent calendar-day amount budgets for the budgeted policy, by role.</summary>
    public static readonly decimal[] AgentDayAmounts = [5_000m, 10_000m, 25_000m, 100_000m];

    /// <summary>The segments requests carry (<see langword="null"/> for none).</summary>
    public static readonly string?[] Segments = [null, "Standard", "Gold", "Platinum"];

    private static readonly string[] LateDelivery = ["LateDelivery"];
    private static readonly string[] DamagedItem = ["DamagedItem"];
    private static readonly string[] LateAndDamaged = ["LateDelivery", "DamagedItem"];
    private static readonly string[] FraudSuspected = ["FraudSuspected"];

    /// <summary>Ids are made once so that requests share them, as a host's would.</summary>
    public static readonly string[] AgentIds = MakeIds("agent-", AgentCount);

    /// <summary>Customer ids.</summary>
    public static readonly string[] CustomerIds = MakeIds("customer-", CustomerCount);

    /// <summary>Incident ids.</summary>
    public static readonly string[] IncidentIds = MakeIds("incident-", IncidentCount);

    /// <summary>Which policy shape to configure.</summary>
    public enum PolicyShape
    {
        /// <summary>Per-incident amount limits only (the reference workload).</summary>
        IncidentOnly,

        /// <summary>Per-incident amount and count, per-customer 30-day rolling amount and count, per-agent calendar-day amount.</summary>
        ThreeBudgets,

        /// <summary>The three budgets with limits so generous that grants never run out.</summary>
        Generous,
    }

    /// <summary>
    /// The 100,000 reference requests: random role, action, amount, segment and reason codes from
    /// <c>new Random(42)</c>. Amounts are spread over four magnitudes (up to 100, 500, 2,500 and
    /// 8,000 USD, in cents) so that every outcome occurs: allowed, requires approval, denied.
    /// </summary>
    public static ResolutionRequest[] CreateRequests()
    {
        var random = new Random(42);
        var requests = new ResolutionRequest[RequestCount];
        for (int i = 0; i < requests.Length; i++)
        {
            int role = random.Next(Roles.Length);
            int action = random.Next(Actions.Length);
            int maxCents = random.Next(4) switch
            {
                0 => 100_00,
                1 => 500_00,
                2 => 2_500_00,
                _ => 8_000_00,
            };
            decimal amount = random.Next(1, maxCents + 1) / 100m;
            string? segment = Segments[random.Next(Segments.Length)];
            IReadOnlyList<string>? reasonCodes = random.Next(10) switch
            {
                0 => FraudSuspected,
                1 or 2 or 3 => null,
                4 or 5 or 6 => LateDelivery,
                7 or 8 => DamagedItem,
                _ => LateAndDamaged,
            };
            requests[i] = new ResolutionRequest
            {
                AgentId = AgentIds[random.Next(AgentIds.Length)],
                Role = Roles[role],
                CustomerId = CustomerIds[random.Next(CustomerIds.Length)],
                IncidentId = IncidentIds[random.Next(IncidentIds.Length)],
                Action = Actions[action],
                Amount = amount,
                CustomerSegment = segment,
                ReasonCodes = reasonCodes,
            };
        }

        return requests;
    }

    /// <summary>The policy as a <c>CustomerCraft</c> configuration section, as a host's appsettings.json would give it.</summary>
    public static IConfigurationSection Configuration(PolicyShape shape)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["CustomerCraft:Empowerment:Currency"] = "USD",
            ["CustomerCraft:Empowerment:TimeZone"] = "America/New_York",
            ["CustomerCraft:Empowerment:Conditions:PlatinumCustomers:When:Attribute"] = "CustomerSegment",
            ["CustomerCraft:Empowerment:Conditions:PlatinumCustomers:When:In:0"] = "Platinum",
            ["CustomerCraft:Empowerment:Conditions:PlatinumCustomers:Multiplier"] = "1.5",
            ["CustomerCraft:Empowerment:Conditions:PlatinumCustomers:Effect"] = "Multiply",
            ["CustomerCraft:Empowerment:Conditions:FraudSuspected:When:Attribute"] = "ReasonCodes",
            ["CustomerCraft:Empowerment:Conditions:FraudSuspected:When:In:0"] = "FraudSuspected",
            ["CustomerCraft:Empowerment:Conditions:FraudSuspected:Effect"] = "Deny",
        };

        foreach (string action in Actions)
        {
            settings[$"CustomerCraft:Empowerment:Actions:{action}:Description"] = action;
        }

        for (int r = 0; r < Roles.Length; r++)
        {
            string role = $"CustomerCraft:Empowerment:Roles:{Roles[r]}";
            settings[$"{role}:Rank"] = Ranks[r].ToString(CultureInfo.InvariantCulture);
            for (int a = 0; a < Actions.Length; a++)
            {
                string limit = $"{role}:Limits:{Actions[a]}";
                switch (shape)
                {
                    case PolicyShape.IncidentOnly:
                        settings[$"{limit}:PerIncident:Amount"] = Invariant(IncidentLimits[r, a]);
                        break;

                    case PolicyShape.ThreeBudgets:
                        settings[$"{limit}:PerIncident:Amount"] = Invariant(IncidentLimits[r, a]);
                        settings[$"{limit}:PerIncident:Count"] = Invariant(IncidentCounts[r]);
                        settings[$"{limit}:PerCustomer:Amount"] = Invariant(CustomerAmounts[r]);
                        settings[$"{limit}:PerCustomer:Count"] = Invariant(CustomerCounts[r]);
                        settings[$"{limit}:PerCustomer:Window"] = "Rolling";
                        settings[$"{limit}:PerCustomer:Length"] = "30.00:00:00";
                        settings[$"{limit}:PerAgent:Amount"] = Invariant(AgentDayAmounts[r]);
                        settings[$"{limit}:PerAgent:Window"] = "Day";
                        break;

                    default:
                        settings[$"{limit}:PerIncident:Amount"] = Invariant(10_000m * (r + 1));
                        settings[$"{limit}:PerIncident:Count"] = Invariant(100 * (r + 1));
                        settings[$"{limit}:PerCustomer:Amount"] = Invariant(10_000_000m * (r + 1));
                        settings[$"{limit}:PerCustomer:Count"] = Invariant(100_000 * (r + 1));
                        settings[$"{limit}:PerCustomer:Window"] = "Rolling";
                        settings[$"{limit}:PerCustomer:Length"] = "30.00:00:00";
                        settings[$"{limit}:PerAgent:Amount"] = Invariant(1_000_000_000m * (r + 1));
                        settings[$"{limit}:PerAgent:Window"] = "Day";
                        break;
                }
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("CustomerCraft");
    }

    /// <summary>A service provider with CustomerCraft registered from <see cref="Configuration"/>, as a host would build it.</summary>
    public static ServiceProvider BuildServices(PolicyShape shape, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddCustomerCraft(Configuration(shape));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Maps a role name to its index, as the hand-written floor and the RulesEngine dispatch do.</summary>
    public static int RoleIndex(string role) => role switch
    {
        "Agent" => 0,
        "SeniorAgent" => 1,
        "TeamLead" => 2,
        "Manager" => 3,
        _ => throw new ArgumentException($"Unknown role '{role}'.", nameof(role)),
    };

    /// <summary>Maps an action name to its index.</summary>
    public static int ActionIndex(string action) => action switch
    {
        "Refund" => 0,
        "Credit" => 1,
        "Replacement" => 2,
        "FeeWaiver" => 3,
        "Goodwill" => 4,
        _ => throw new ArgumentException($"Unknown action '{action}'.", nameof(action)),
    };

    /// <summary>Completes a <see cref="ValueTask{T}"/> the way <c>await</c> does: synchronously when it already finished.</summary>
    public static T Complete<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string[] MakeIds(string prefix, int count)
    {
        string[] ids = new string[count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = prefix + i.ToString("D6", CultureInfo.InvariantCulture);
        }

        return ids;
    }
}
