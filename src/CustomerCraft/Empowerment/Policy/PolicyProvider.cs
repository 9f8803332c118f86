using CustomerCraft.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>Where the CustomerCraft options come from: a configuration section (which may reload) or code.</summary>
internal sealed record CustomerCraftConfiguration(IConfiguration? Configuration, string Path)
{
    public string EmpowermentPath => $"{Path}:Empowerment";

    public string EscalationPath => $"{Path}:Escalation";
}

/// <summary>
/// Holds the policy snapshot in force. It compiles the options at start-up (throwing
/// <see cref="OptionsValidationException"/> with every error when they are invalid) and, when the
/// configuration reloads, swaps in a new snapshot atomically if it is valid. An invalid reload is
/// logged and counted and the last good snapshot stays in force: a bad edit never takes a running
/// host down.
/// </summary>
internal sealed class PolicyProvider : IDisposable
{
    private readonly IOptionsFactory<CustomerCraftOptions> _optionsFactory;
    private readonly IOptionsMonitorCache<CustomerCraftOptions> _optionsCache;
    private readonly ConditionTypeRegistry _conditionTypes;
    private readonly CustomerCraftConfiguration _source;
    private readonly CustomerCraftTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly IDisposable? _reloadSubscription;
    private readonly Lock _reloadGate = new();
    private PolicySnapshot _current;
    private string? _lastSeenConfiguration;

    public PolicyProvider(
        IOptionsMonitor<CustomerCraftOptions> options,
        IOptionsFactory<CustomerCraftOptions> optionsFactory,
        IOptionsMonitorCache<CustomerCraftOptions> optionsCache,
        ConditionTypeRegistry conditionTypes,
        CustomerCraftConfiguration source,
        CustomerCraftTelemetry telemetry,
        ILogger<PolicyProvider>? logger = null)
    {
        _optionsFactory = optionsFactory;
        _optionsCache = optionsCache;
        _conditionTypes = conditionTypes;
        _source = source;
        _telemetry = telemetry;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        // The configuration's fingerprint is taken before the options are read: a change landing
        // in between then differs from it and is picked up by the next reload notification.
        _lastSeenConfiguration = source.Configuration is { } seen ? DependencyInjection.ConfigurationSnapshot.Fingerprint(seen) : null;

        // Reading the options runs the validator: invalid configuration throws here, at start-up.
        PolicyCompilation compilation = Compile(options.CurrentValue);
        _current = compilation.Snapshot ?? throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), compilation.Errors);
        Log.PolicyApplied(_logger, _current.Version, _current.Roles.Length, _current.Actions.Length, _current.Conditions.Length);

        if (source.Configuration is { } configuration)
        {
            _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        }
    }

    /// <summary>A provider that holds one snapshot for good (no configuration, no reloads): for replays.</summary>
    private PolicyProvider(PolicySnapshot snapshot)
    {
        _current = snapshot;
        _optionsFactory = null!;
        _optionsCache = null!;
        _conditionTypes = null!;
        _source = new CustomerCraftConfiguration(null, CustomerCraftOptions.SectionName);
        _telemetry = null!;
        _logger = NullLogger.Instance;
    }

    /// <summary>A provider whose policy is <paramref name="snapshot"/> and never changes.</summary>
    public static PolicyProvider Fixed(PolicySnapshot snapshot) => new(snapshot);

    /// <summary>The snapshot in force. Reading it takes no lock.</summary>
    public PolicySnapshot Current => Volatile.Read(ref _current);

    /// <summary>Compiles options into a snapshot, or returns the errors.</summary>
    public PolicyCompilation Compile(CustomerCraftOptions options) => Compile(options, _source, _conditionTypes);

    /// <summary>
    /// Binds a configuration section strictly and compiles it, exactly as <c>AddCustomerCraft</c> does:
    /// the binding errors and the policy's errors together, each with its path.
    /// </summary>
    public static PolicyCompilation Compile(IConfiguration section, ConditionTypeRegistry conditionTypes)
    {
        string path = section is IConfigurationSection named ? named.Path : CustomerCraftOptions.SectionName;
        var options = new CustomerCraftOptions();
        options.BindingErrors.AddRange(DependencyInjection.StrictConfigurationBinder.Bind(section, options, path));
        return Compile(options, new CustomerCraftConfiguration(section, path), conditionTypes);
    }

    /// <summary>Compiles the empowerment policy and the escalation ladder that refers to its roles; errors of both (and the binding's) are reported together.</summary>
    public static PolicyCompilation Compile(CustomerCraftOptions options, CustomerCraftConfiguration source, ConditionTypeRegistry conditionTypes)
    {
        EmpowermentOptions empowerment = options.Empowerment ?? new EmpowermentOptions();
        PolicyCompilation compilation = PolicyCompiler.Compile(empowerment, source.EmpowermentPath, conditionTypes, options.BindingErrors.Count == 0 ? PolicyVersion.Of(options) : 0);
        var errors = new List<string>(options.BindingErrors);
        errors.AddRange(DependencyInjection.CustomerCraftOptionsValidator.WithoutKnockOns(compilation.Errors, options.BindingErrors));
        Escalation.Sla.EscalationPolicy? ladder = Escalation.Sla.EscalationCompiler.Compile(options.Escalation ?? new(), source.EscalationPath, empowerment.Roles, errors);
        Coaching.Scoring.CoachingPolicy? coaching = Coaching.Scoring.CoachingPolicy.Compile(options.Coaching ?? new(), $"{source.Path}:Coaching", empowerment.Actions, errors);
        if (errors.Count > 0 || compilation.Snapshot is null || ladder is null || coaching is null)
        {
            return new PolicyCompilation(null, errors);
        }

        compilation.Snapshot.Escalation = ladder;
        compilation.Snapshot.Coaching = coaching;
        return compilation;
    }

    /// <summary>Re-reads the configuration and applies it when valid. Never throws.</summary>
    public void Reload()
    {
        if (_source.Configuration is null)
        {
            return;
        }

        lock (_reloadGate)
        {
            // A reload token fires for any change anywhere in the configuration (and some
            // sources fire twice); only a change to the CustomerCraft section is a new policy.
            string? seen = _source.Configuration is { } configuration ? DependencyInjection.ConfigurationSnapshot.Fingerprint(configuration) : null;
            if (seen is not null && string.Equals(seen, _lastSeenConfiguration, StringComparison.Ordinal))
            {
                return;
            }

            _lastSeenConfiguration = seen;
            try
            {
                // The options are registered without a change-token source, so the options monitor
                // never rebinds on its own (a throwing rebind inside a reload callback can take a
                // process down). Build fresh options through the factory (every Configure delegate
                // and validator runs) and publish them to the monitor's cache only when valid, so
                // hosts reading IOptionsMonitor keep the last good options while a configuration is rejected
                // (only a read racing the swap of a *valid* configuration rebinds it itself).
                CustomerCraftOptions options = _optionsFactory.Create(Options.DefaultName);
                PolicyCompilation compilation = Compile(options);
                if (compilation.Snapshot is null)
                {
                    Reject(string.Join(" | ", compilation.Errors));
                    return;
                }

                Volatile.Write(ref _current, compilation.Snapshot);
                // The cache has no atomic replace: a reader that slips in between removing and adding
                // builds options from the (valid) configuration itself; keep trying until ours is in.
                do
                {
                    _optionsCache.TryRemove(Options.DefaultName);
                }
                while (!_optionsCache.TryAdd(Options.DefaultName, options));
                _telemetry.PolicyReloads.Add(1, new KeyValuePair<string, object?>("result", "applied"));
                Log.PolicyApplied(_logger, compilation.Snapshot.Version, compilation.Snapshot.Roles.Length, compilation.Snapshot.Actions.Length, compilation.Snapshot.Conditions.Length);
            }
            catch (OptionsValidationException ex)
            {
                Reject(string.Join(" | ", ex.Failures));
            }
            catch (Exception ex)
            {
                // Not a verdict on the configuration: let the next notification try it again.
                _lastSeenConfiguration = null;
                _telemetry.PolicyReloads.Add(1, new KeyValuePair<string, object?>("result", "rejected"));
                Log.PolicyReloadFailed(_logger, Current.Version, ex);
            }
        }
    }

    public void Dispose() => _reloadSubscription?.Dispose();

    private void Reject(string errors)
    {
        _telemetry.PolicyReloads.Add(1, new KeyValuePair<string, object?>("result", "rejected"));
        Log.PolicyRejected(_logger, Current.Version, errors);
    }
}
