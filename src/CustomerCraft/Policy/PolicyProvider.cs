using CustomerCraft.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CustomerCraft.Policy;

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
    private readonly IPolicyPartCompiler[] _parts;
    private readonly CustomerCraftConfiguration _source;
    private readonly CustomerCraftTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly IDisposable? _reloadSubscription;
    private readonly Lock _reloadGate = new();
    private PolicySnapshot _current;
    private (ulong, ulong, int)? _lastSeenConfiguration;

    public PolicyProvider(
        IOptionsMonitor<CustomerCraftOptions> options,
        IOptionsFactory<CustomerCraftOptions> optionsFactory,
        IOptionsMonitorCache<CustomerCraftOptions> optionsCache,
        IEnumerable<IPolicyPartCompiler> parts,
        CustomerCraftConfiguration source,
        CustomerCraftTelemetry telemetry,
        ILogger<PolicyProvider>? logger = null)
    {
        _optionsFactory = optionsFactory;
        _optionsCache = optionsCache;
        _parts = [.. parts];
        _source = source;
        _telemetry = telemetry;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        // The configuration's fingerprint is taken before the options are read: a change landing
        // in between then differs from it and is picked up by the next reload notification.
        _lastSeenConfiguration = source.Configuration is { } seen ? ConfigurationSnapshot.Fingerprint(seen) : null;

        // Reading the options runs the validator: invalid configuration throws here, at start-up.
        PolicyCompilation compilation = Compile(options.CurrentValue);
        _current = compilation.Snapshot ?? throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), compilation.Errors);
        Log.PolicyApplied(_logger, PolicyVersion.Format(_current.Version), _current.Roles.Length, _current.Actions.Length);

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
        _parts = [];
        _source = new CustomerCraftConfiguration(null, CustomerCraftOptions.SectionName);
        _telemetry = null!;
        _logger = NullLogger.Instance;
    }

    /// <summary>A provider whose policy is <paramref name="snapshot"/> and never changes.</summary>
    public static PolicyProvider Fixed(PolicySnapshot snapshot) => new(snapshot);

    /// <summary>The snapshot in force. Reading it takes no lock.</summary>
    public PolicySnapshot Current => Volatile.Read(ref _current);

    /// <summary>Compiles options into a snapshot, or returns the errors.</summary>
    public PolicyCompilation Compile(CustomerCraftOptions options) => Compile(options, _source, _parts);

    /// <summary>
    /// Binds a configuration section strictly and compiles it, exactly as <c>AddCustomerCraft</c> does:
    /// the binding errors and the policy's errors together, each with its path.
    /// </summary>
    public static PolicyCompilation Compile(IConfiguration section, IReadOnlyList<IPolicyPartCompiler> parts)
    {
        string path = section is IConfigurationSection named ? named.Path : CustomerCraftOptions.SectionName;
        var options = new CustomerCraftOptions();
        options.BindingErrors.AddRange(StrictConfigurationBinder.Bind(section, options, path));
        return Compile(options, new CustomerCraftConfiguration(section, path), parts);
    }

    /// <summary>
    /// Compiles the policy core, then each capability's part over it; the binding's errors, the core's
    /// and every part's are reported together, so one pass shows every problem.
    /// </summary>
    public static PolicyCompilation Compile(CustomerCraftOptions options, CustomerCraftConfiguration source, IReadOnlyList<IPolicyPartCompiler> parts)
    {
        var compileErrors = new List<string>();
        long version = options.BindingErrors.Count == 0 ? PolicyVersion.Of(options) : 0;
        PolicySnapshot snapshot = PolicyCoreCompiler.Compile(options.Empowerment ?? new(), source.EmpowermentPath, version, compileErrors);
        var compiled = new List<object>(parts.Count);
        foreach (IPolicyPartCompiler part in parts)
        {
            if (part.Compile(options, snapshot, source, compileErrors) is { } result)
            {
                compiled.Add(result);
            }
        }

        var errors = new List<string>(options.BindingErrors);
        errors.AddRange(WithoutKnockOns(compileErrors, options.BindingErrors));
        if (errors.Count > 0)
        {
            return new PolicyCompilation(null, Readable(errors));
        }

        foreach (object part in compiled)
        {
            snapshot.SetPart(part);
        }

        return new PolicyCompilation(snapshot, errors);
    }

    /// <summary>The most errors reported one by one; a policy wrong in thousands of places is fixed from the first ones.</summary>
    internal const int MaxReportedErrors = 100;

    /// <summary>The errors, at most <see cref="MaxReportedErrors"/> of them, and a last line saying how many more there are.</summary>
    private static List<string> Readable(List<string> errors)
    {
        if (errors.Count <= MaxReportedErrors)
        {
            return errors;
        }

        int more = errors.Count - MaxReportedErrors;
        errors.RemoveRange(MaxReportedErrors, more);
        errors.Add($"... and {more} more errors (the first {MaxReportedErrors} are listed).");
        return errors;
    }

    /// <summary>
    /// A value that did not bind leaves its setting unset, and a compiler then says it is missing or
    /// empty: one mistake, two messages. A compiler's message about a setting that failed to bind, about
    /// anything below it, or about the groups that contain it, is dropped.
    /// </summary>
    internal static IEnumerable<string> WithoutKnockOns(IEnumerable<string> compileErrors, List<string> bindingErrors)
    {
        if (bindingErrors.Count == 0)
        {
            return compileErrors;
        }

        string[] paths = [.. bindingErrors.Select(PathOf)];
        return compileErrors.Where(error =>
        {
            string path = PathOf(error);
            return !paths.Any(p =>
                p.Equals(path, StringComparison.OrdinalIgnoreCase)
                || path.StartsWith(p + ":", StringComparison.OrdinalIgnoreCase)
                || p.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase));
        });

        static string PathOf(string error) => error.IndexOf(": ", StringComparison.Ordinal) is int end and >= 0 ? error[..end] : error;
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
            (ulong, ulong, int)? seen = _source.Configuration is { } configuration ? ConfigurationSnapshot.Fingerprint(configuration) : null;
            if (seen is not null && seen == _lastSeenConfiguration)
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
                Log.PolicyApplied(_logger, PolicyVersion.Format(compilation.Snapshot.Version), compilation.Snapshot.Roles.Length, compilation.Snapshot.Actions.Length);
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
