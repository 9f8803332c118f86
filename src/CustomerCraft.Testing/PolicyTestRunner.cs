using System.Globalization;
using System.Text;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Identifiers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using CustomerCraft.Policy;
using CustomerCraft.Storage;

namespace CustomerCraft.Policy.Testing;

/// <summary>
/// Runs policy test cases against a policy, each on its own frozen clock and fresh in-memory budgets,
/// through the same engine a host uses. A policy author tests a policy like code:
/// <code>
/// var runner = new PolicyTestRunner(configuration.GetSection("CustomerCraft"));
/// PolicyTestResult result = await runner.RunAsync(testCase);
/// Assert.True(result.Passed, result.Failure);
/// </code>
/// </summary>
public sealed class PolicyTestRunner
{
    private readonly PolicySnapshot _snapshot;

    /// <summary>Compiles the policy in <paramref name="customerCraftSection"/> (the <c>CustomerCraft</c> section).</summary>
    /// <param name="customerCraftSection">The policy, as a host's configuration gives it.</param>
    /// <param name="services">
    /// The host's service provider when the policy names host conditions (<c>AddCondition&lt;T&gt;</c>);
    /// without it, such a policy is invalid.
    /// </param>
    /// <exception cref="OptionsValidationException">The policy is invalid; every error names its path.</exception>
    public PolicyTestRunner(IConfiguration customerCraftSection, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(customerCraftSection);
        // The host's part compilers (with its condition types) when given, else the built-in ones.
        IPolicyPartCompiler[] parts = services?.GetService(typeof(IEnumerable<IPolicyPartCompiler>)) is IEnumerable<IPolicyPartCompiler> registered && registered.Any()
            ? [.. registered]
            : DependencyInjection.PolicyParts.Create(ConditionTypeRegistry.Empty);
        PolicyCompilation compilation = PolicyProvider.Compile(customerCraftSection, parts);
        _snapshot = compilation.Snapshot ?? throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), compilation.Errors);
    }

    /// <summary>The version of the policy under test (a content hash, as on every decision).</summary>
    public long PolicyVersion => _snapshot.Version;

    /// <summary>Runs every case of a suite, in order.</summary>
    public async Task<IReadOnlyList<PolicyTestResult>> RunAllAsync(PolicyTestSuite suite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var results = new List<PolicyTestResult>(suite.Cases.Count);
        foreach (PolicyTestCase testCase in suite.Cases)
        {
            results.Add(await RunAsync(testCase, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Runs one case: records its prior grants, evaluates its request at its time, and compares.</summary>
    public async Task<PolicyTestResult> RunAsync(PolicyTestCase testCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        var clock = new FrozenClock(testCase.Now);
        var ledger = new InMemoryBudgetLedger(IdRules.Default);
        var log = new InMemoryDecisionLog(Options.Create(new InMemoryDecisionLogOptions()));
        using var telemetry = new CustomerCraftTelemetry();
        var authority = new ResolutionAuthority(PolicyProvider.Fixed(_snapshot), ledger, log, clock, telemetry, ids: IdRules.Default);

        int sequence = 0;
        foreach (PolicyTestGrant prior in testCase.PriorGrants)
        {
            await RecordAsync(ledger, prior, ++sequence, cancellationToken).ConfigureAwait(false);
        }

        AuthorityDecision decision;
        try
        {
            decision = await authority.EvaluateCoreAsync(_snapshot, testCase.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            return testCase.ExpectedError is { } expected && ex.Message.Contains(expected, StringComparison.OrdinalIgnoreCase)
                ? new PolicyTestResult(testCase, null, null)
                : new PolicyTestResult(testCase, null, testCase.ExpectedError is null
                    ? $"The request was rejected: {ex.Message}"
                    : $"Expected an error containing \"{testCase.ExpectedError}\", got: {ex.Message}");
        }

        return new PolicyTestResult(testCase, decision, Compare(testCase, decision));
    }

    private static string? Compare(PolicyTestCase testCase, AuthorityDecision decision)
    {
        var problems = new List<string>();
        if (testCase.ExpectedError is { } error)
        {
            problems.Add($"Expected an error containing \"{error}\", but the request was decided.");
        }

        if (testCase.ExpectedOutcome is { } outcome && decision.Outcome != outcome)
        {
            problems.Add($"Expected {outcome}, got {decision.Outcome}.");
        }

        if (testCase.ExpectedApproverRole is { } approver && !string.Equals(decision.RequiredApproverRole, approver, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"Expected approval by {approver}, got {decision.RequiredApproverRole ?? "no approver"}.");
        }

        foreach ((string action, PolicyTestHeadroom expected) in testCase.ExpectedHeadroom)
        {
            if (decision.GetHeadroom(action) is not { } actual)
            {
                problems.Add($"Expected headroom for {action}, which the policy does not have.");
                continue;
            }

            if (expected.HasAuthority is bool has && actual.HasAuthority != has)
            {
                problems.Add($"Expected {action} authority {has}, got {actual.HasAuthority}.");
            }

            if (expected.Amount is decimal amount && actual.Amount != amount)
            {
                problems.Add($"Expected {action} headroom of {amount.ToString(CultureInfo.InvariantCulture)} {actual.Unit}, got {actual.Amount?.ToString(CultureInfo.InvariantCulture) ?? "no amount limit"}.");
            }

            if (expected.Count is int count && actual.Count != count)
            {
                problems.Add($"Expected {action} headroom of {count} more grant(s), got {actual.Count?.ToString(CultureInfo.InvariantCulture) ?? "no count limit"}.");
            }
        }

        foreach (string text in testCase.ExpectedReasons)
        {
            if (!decision.Reasons.Any(r => r.Message.Contains(text, StringComparison.OrdinalIgnoreCase) || r.ConfigurationPath.Contains(text, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"Expected a reason containing \"{text}\".");
            }
        }

        if (problems.Count == 0)
        {
            return null;
        }

        var failure = new StringBuilder();
        failure.AppendJoin('\n', problems).Append('\n').Append("The decision: ").Append(decision).Append('\n');
        foreach (DecisionReason reason in decision.Reasons)
        {
            failure.Append(reason.Passed ? "  ok  " : "  NO  ").Append(reason.Message).Append("  (").Append(reason.ConfigurationPath).Append(")\n");
        }

        return failure.ToString();
    }

    /// <summary>Records a prior grant in the budgets directly: it happened, whatever today's policy says.</summary>
    private static async ValueTask RecordAsync(InMemoryBudgetLedger ledger, PolicyTestGrant prior, int sequence, CancellationToken cancellationToken)
    {
        var grant = new GrantRecord
        {
            GrantId = $"prior-{sequence}",
            IdempotencyKey = $"prior-{sequence}",
            AgentId = prior.AgentId,
            Role = "prior",
            CustomerId = prior.CustomerId,
            IncidentId = prior.IncidentId,
            Action = prior.Action,
            Amount = prior.Amount,
            Currency = string.Empty,
            RequestedAmount = prior.Amount,
            RequestedCurrency = string.Empty,
            ContextFingerprint = string.Empty,
            GrantedAt = prior.At,
        };
        BudgetCharge[] charges =
        [
            new(new BudgetKey(BudgetScope.Incident, IdRules.Default.Key(prior.IncidentId), prior.Action), DateTimeOffset.MinValue, null, null),
            new(new BudgetKey(BudgetScope.Customer, IdRules.Default.Key(prior.CustomerId), prior.Action), DateTimeOffset.MinValue, null, null),
            new(new BudgetKey(BudgetScope.Agent, IdRules.Default.Key(prior.AgentId), prior.Action), DateTimeOffset.MinValue, null, null),
        ];
        await ledger.TryReserveAsync(new BudgetReservation { Grant = grant, Charges = charges }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A clock that always reads the case's time.</summary>
    private sealed class FrozenClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
