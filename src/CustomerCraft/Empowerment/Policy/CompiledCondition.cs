using System.Collections.Frozen;
using System.Globalization;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// A condition compiled from configuration: its test, the actions it applies to and its effect.
/// Built-in tests are sealed subclasses with synchronous matching, so the hot path never
/// allocates; host conditions go through <see cref="HostCondition"/>.
/// </summary>
internal abstract class CompiledCondition
{
    protected CompiledCondition(ConditionEffect effect) => Effect = effect;

    public ConditionEffect Effect { get; }

    /// <summary><see langword="true"/> when <see cref="Matches"/> answers without I/O.</summary>
    public virtual bool IsSynchronous => true;

    public abstract bool Matches(ResolutionRequest request, DateTimeOffset now);

    public virtual ValueTask<bool> MatchesAsync(ResolutionRequest request, DateTimeOffset now, CancellationToken cancellationToken) =>
        new(Matches(request, now));

    /// <summary>Describes the test in words, for decision reasons.</summary>
    public abstract string Describe();

    protected static FrozenSet<string> SetOf(IEnumerable<string> values) =>
        values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}

/// <summary>What a matching condition does, and where it is configured.</summary>
internal sealed class ConditionEffect
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    /// <summary>Bit i set when the condition applies to action i.</summary>
    public required ulong ActionMask { get; init; }

    public required decimal IncidentMultiplier { get; init; }

    public required decimal CustomerMultiplier { get; init; }

    public required decimal AgentMultiplier { get; init; }

    public required decimal? Multiplier { get; init; }

    public required ConditionOutcome? Outcome { get; init; }

    /// <summary>The lowest rank that may approve, for forced approvals; <c>int.MinValue</c> when not set.</summary>
    public required int MinimumApproverRank { get; init; }

    public required string? ApproverRole { get; init; }

    public bool AppliesTo(int actionIndex) => (ActionMask & (1UL << actionIndex)) != 0;
}

internal sealed class SegmentCondition(ConditionEffect effect, IEnumerable<string> segments) : CompiledCondition(effect)
{
    private readonly FrozenSet<string> _segments = SetOf(segments);

    public override bool Matches(ResolutionRequest request, DateTimeOffset now) =>
        request.CustomerSegment is { } segment && _segments.Contains(segment);

    public override string Describe() => $"customer segment is {string.Join(" or ", _segments)}";
}

internal sealed class ChannelCondition(ConditionEffect effect, IEnumerable<string> channels) : CompiledCondition(effect)
{
    private readonly FrozenSet<string> _channels = SetOf(channels);

    public override bool Matches(ResolutionRequest request, DateTimeOffset now) =>
        request.Channel is { } channel && _channels.Contains(channel);

    public override string Describe() => $"channel is {string.Join(" or ", _channels)}";
}

internal sealed class ReasonCodeCondition(ConditionEffect effect, IEnumerable<string> codes) : CompiledCondition(effect)
{
    private readonly FrozenSet<string> _codes = SetOf(codes);

    public override bool Matches(ResolutionRequest request, DateTimeOffset now)
    {
        IReadOnlyList<string>? codes = request.ReasonCodes;
        if (codes is null)
        {
            return false;
        }

        for (int i = 0; i < codes.Count; i++)
        {
            if (codes[i] is { } code && _codes.Contains(code))
            {
                return true;
            }
        }

        return false;
    }

    public override string Describe() => $"reason code is {string.Join(" or ", _codes)}";
}

internal sealed class TenureCondition(ConditionEffect effect, int? minimumDays, int? maximumDays) : CompiledCondition(effect)
{
    public override bool Matches(ResolutionRequest request, DateTimeOffset now)
    {
        if (request.CustomerSince is not { } since)
        {
            // Unknown tenure matches neither "long-standing" nor "new" rules.
            return false;
        }

        double days = (now - since).TotalDays;
        return (minimumDays is not int min || days >= min) && (maximumDays is not int max || days < max);
    }

    public override string Describe() => (minimumDays, maximumDays) switch
    {
        (int min, int max) => $"customer for {min} to {max} days",
        (int min, null) => $"customer for at least {min} days",
        (null, int max) => $"customer for less than {max} days",
        _ => "customer tenure",
    };
}

internal sealed class AttributeCondition(ConditionEffect effect, string attribute, IEnumerable<string> values, decimal? minimum, decimal? maximum)
    : CompiledCondition(effect)
{
    private readonly FrozenSet<string> _values = SetOf(values);

    public override bool Matches(ResolutionRequest request, DateTimeOffset now)
    {
        if (request.Attributes is null || !request.Attributes.TryGetValue(attribute, out string? value) || value is null)
        {
            return false;
        }

        if (_values.Count > 0 && !_values.Contains(value))
        {
            return false;
        }

        if (minimum is null && maximum is null)
        {
            return true;
        }

        // Attributes are strings from the host; a non-number never satisfies a numeric range.
        return decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal number)
            && (minimum is not decimal min || number >= min)
            && (maximum is not decimal max || number <= max);
    }

    public override string Describe()
    {
        string test = _values.Count > 0 ? $"is {string.Join(" or ", _values)}" : "is set";
        if (minimum is not null || maximum is not null)
        {
            test = $"is between {minimum?.ToString(CultureInfo.InvariantCulture) ?? "any"} and {maximum?.ToString(CultureInfo.InvariantCulture) ?? "any"}";
        }

        return $"attribute '{attribute}' {test}";
    }
}

internal sealed class HostCondition(ConditionEffect effect, string type, IResolutionCondition condition, IReadOnlyDictionary<string, string> parameters)
    : CompiledCondition(effect)
{
    public override bool IsSynchronous => false;

    public override bool Matches(ResolutionRequest request, DateTimeOffset now) =>
        throw new InvalidOperationException("Host conditions are matched asynchronously.");

    public override ValueTask<bool> MatchesAsync(ResolutionRequest request, DateTimeOffset now, CancellationToken cancellationToken) =>
        condition.IsMatchAsync(new ResolutionConditionContext(request, Effect.Name, parameters, now), cancellationToken);

    public override string Describe() => $"{type} matched";
}
