using BenchmarkDotNet.Attributes;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stateless;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// Case transitions on the in-memory case store, each one a full workflow call: load the case,
/// check the move on the state machine, apply it (owner, level, SLA clocks, timeline entry), save
/// it against its version. The ladder has SLA targets on every level (calendar clock), so clocks
/// are started, stopped, paused and resumed as in production.
/// </summary>
/// <remarks>
/// Every invocation works a new case; a fresh container (an empty store and ledger) is built before
/// each iteration of <see cref="Invocations"/> invocations, so the store's size is bounded and the
/// same in every iteration. Times and allocations are per transition (opening counts as one).
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(Invocations)]
public class CaseLifecycleBenchmarks : IDisposable
{
    /// <summary>Invocations per iteration.</summary>
    public const int Invocations = 8_192;

    private static readonly CaseActor Ana = new("ana", "Agent");
    private static readonly CaseActor Tina = new("tina", "TeamLead");

    private ServiceProvider? _services;
    private ICaseWorkflow _workflow = null!;
    private int _next;
    private string[] _ids = [];
    private ResolutionRequest[] _refunds = [];

    [GlobalSetup]
    public void Setup()
    {
        _ids = new string[Invocations + 64];
        _refunds = new ResolutionRequest[_ids.Length];
        for (int i = 0; i < _ids.Length; i++)
        {
            _ids[i] = $"case-{i}";
            _refunds[i] = new ResolutionRequest
            {
                AgentId = "ana", Role = "Agent", CustomerId = "C-1", IncidentId = _ids[i],
                Action = "Refund", Amount = 150m,
            };
        }

        // Check once that both lifecycles end where they should and complete synchronously.
        Reset();
        SupportCase frontLine = Complete(FrontLineLifecycleCore(_ids[0]));
        SupportCase approval = Complete(ApprovalLifecycleCore(_ids[1], _refunds[1]));
        if (frontLine.State != CaseState.Resolved || frontLine.History.Count != 7 || approval.State != CaseState.Closed || approval.History.Count != 6)
        {
            throw new InvalidOperationException($"Unexpected lifecycle outcome: {frontLine.State}/{frontLine.History.Count}, {approval.State}/{approval.History.Count}.");
        }

        Console.WriteLine("// Verified: both lifecycles reach their final state synchronously.");
    }

    [IterationSetup]
    public void Reset()
    {
        _services?.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _services = BuildServices();
        _workflow = _services.GetRequiredService<ICaseWorkflow>();
        _next = 0;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _services?.Dispose();
        _services = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Open (owned), await the customer, customer replied, escalate, return to owner, resolve:
    /// six transitions with no empowerment calls.
    /// </summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 6)]
    public CaseState FrontLineLifecycle() => Complete(FrontLineLifecycleCore(_ids[_next++])).State;

    /// <summary>
    /// Open (owned), request approval (an evaluation), approve (a grant), resolve, close: five
    /// transitions, two of which call the empowerment engine.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 5)]
    public CaseState ApprovalLifecycle()
    {
        int i = _next++;
        return Complete(ApprovalLifecycleCore(_ids[i], _refunds[i])).State;
    }

    /// <summary>What the workflow avoids: constructing and configuring a Stateless machine for a case, then firing one trigger.</summary>
    [Benchmark]
    public CaseState StatelessMachinePerCase()
    {
        StateMachine<CaseState, CaseTrigger> machine = CaseStateMachine.CreateForDiagram();
        machine.Fire(CaseTrigger.Assign);
        return machine.State;
    }

    /// <summary>Firing on a configured machine kept per thread (configuration paid once): Stateless's own cost of a Fire.</summary>
    [Benchmark]
    public CaseState StatelessSharedMachineFire()
    {
        CaseStateMachine.FireUncached(CaseState.InProgress, 0, 2, CaseTrigger.AwaitCustomer, out CaseState to);
        return to;
    }

    /// <summary>What the workflow does: the machine's remembered answer.</summary>
    [Benchmark]
    public CaseState RememberedAnswer()
    {
        CaseStateMachine.TryFire(CaseState.InProgress, 0, 2, CaseTrigger.AwaitCustomer, out CaseState to);
        return to;
    }

    private async Task<SupportCase> FrontLineLifecycleCore(string id)
    {
        ICaseWorkflow workflow = _workflow;
        await workflow.OpenAsync(new OpenCaseRequest { CaseId = id, CustomerId = "C-1", Owner = Ana }).ConfigureAwait(false);
        await workflow.AwaitCustomerAsync(id, Ana).ConfigureAwait(false);
        await workflow.CustomerRepliedAsync(id).ConfigureAwait(false);
        await workflow.EscalateAsync(id, Ana, EscalationReason.Complexity).ConfigureAwait(false);
        await workflow.ReturnToOwnerAsync(id, Tina).ConfigureAwait(false);
        return await workflow.ResolveAsync(id, Ana).ConfigureAwait(false);
    }

    private async Task<SupportCase> ApprovalLifecycleCore(string id, ResolutionRequest refund)
    {
        ICaseWorkflow workflow = _workflow;
        await workflow.OpenAsync(new OpenCaseRequest { CaseId = id, CustomerId = "C-1", Owner = Ana }).ConfigureAwait(false);
        await workflow.RequestApprovalAsync(id, refund).ConfigureAwait(false);
        await workflow.ApproveAsync(id, Tina).ConfigureAwait(false);
        await workflow.ResolveAsync(id, Ana).ConfigureAwait(false);
        return await workflow.CloseAsync(id, Ana).ConfigureAwait(false);
    }

    private static SupportCase Complete(Task<SupportCase> task) =>
        task.IsCompletedSuccessfully ? task.Result : throw new InvalidOperationException("A workflow call completed asynchronously; the in-memory stores should never yield.");

    private static ServiceProvider BuildServices()
    {
        var settings = new Dictionary<string, string?>
        {
            ["CustomerCraft:Empowerment:Currency"] = "USD",
            ["CustomerCraft:Empowerment:Actions:Refund:Description"] = "Money back",
            ["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "10",
            ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "100",
            ["CustomerCraft:Empowerment:Roles:TeamLead:Rank"] = "30",
            ["CustomerCraft:Empowerment:Roles:TeamLead:Limits:Refund:PerIncident:Amount"] = "1000",
            ["CustomerCraft:Empowerment:Roles:Manager:Rank"] = "40",
            ["CustomerCraft:Empowerment:Roles:Manager:Limits:Refund:PerIncident:Amount"] = "5000",
        };
        string[] roles = ["Agent", "TeamLead", "Manager"];
        for (int level = 0; level < roles.Length; level++)
        {
            string path = $"CustomerCraft:Escalation:Levels:{roles[level]}";
            settings[$"{path}:Level"] = level.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"{path}:Role"] = roles[level];
            settings[$"{path}:Targets:Normal:Response"] = "01:00:00";
            settings[$"{path}:Targets:Normal:Resolution"] = "08:00:00";
            settings[$"{path}:ApprovalTimeout"] = "02:00:00";
        }

        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
