using System.Collections.Frozen;
using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// The policy's conditions sorted for matching. A condition whose whole test is "this text
/// attribute is one of these values" (<c>When: { Attribute: ReasonCodes, In: [...] }</c>, the
/// commonest kind) is found by looking up the request's value in a table of every such condition's
/// values, so a condition that names a value the request does not carry costs nothing; every other
/// condition's test is evaluated as compiled. Built once per policy.
/// </summary>
internal sealed class ConditionIndex
{
    private ConditionIndex(int[] evaluated, FrozenDictionary<string, int[]>? segment, FrozenDictionary<string, int[]>? channel, FrozenDictionary<string, int[]>? reasonCodes, (int Slot, FrozenDictionary<string, int[]> Values)[] host)
    {
        Evaluated = evaluated;
        Segment = segment;
        Channel = channel;
        ReasonCodes = reasonCodes;
        Host = host;
    }

    /// <summary>The conditions whose tests are evaluated one by one, in order.</summary>
    public int[] Evaluated { get; }

    /// <summary>By customer segment: the conditions that match it.</summary>
    public FrozenDictionary<string, int[]>? Segment { get; }

    /// <summary>By channel: the conditions that match it.</summary>
    public FrozenDictionary<string, int[]>? Channel { get; }

    /// <summary>By reason code: the conditions that match a request carrying it.</summary>
    public FrozenDictionary<string, int[]>? ReasonCodes { get; }

    /// <summary>By host text attribute (its slot in the parsed values): the conditions that match each value.</summary>
    public (int Slot, FrozenDictionary<string, int[]> Values)[] Host { get; }

    /// <summary>Sorts <paramref name="conditions"/> into those looked up by value and those evaluated.</summary>
    public static ConditionIndex Build(CompiledCondition[] conditions, TestNode[] tests)
    {
        var evaluated = new List<int>();
        var bySource = new Dictionary<(AttributeSource Source, int Slot), Dictionary<string, List<int>>>();
        for (int i = 0; i < conditions.Length; i++)
        {
            if (InOnly(tests[conditions[i].Test]) is not { } comparison)
            {
                evaluated.Add(i);
                continue;
            }

            AttributeDefinition attribute = comparison.Attribute;
            (AttributeSource, int) key = (attribute.Source, attribute.Source == AttributeSource.Host ? attribute.Slot : -1);
            if (!bySource.TryGetValue(key, out Dictionary<string, List<int>>? values))
            {
                // The comparer of the condition's own set (In), so a lookup matches exactly what it matches.
                bySource[key] = values = new Dictionary<string, List<int>>(comparison.In!.Comparer);
            }

            foreach (string value in comparison.In!)
            {
                if (!values.TryGetValue(value, out List<int>? matching))
                {
                    values[value] = matching = [];
                }

                matching.Add(i);
            }
        }

        FrozenDictionary<string, int[]>? Of(AttributeSource source, int slot) =>
            bySource.TryGetValue((source, slot), out Dictionary<string, List<int>>? values)
                ? values.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray(), values.Comparer)
                : null;

        (int, FrozenDictionary<string, int[]>)[] host =
        [
            .. bySource.Keys.Where(key => key.Source == AttributeSource.Host).Order().Select(key => (key.Slot, Of(AttributeSource.Host, key.Slot)!)),
        ];
        return new ConditionIndex([.. evaluated], Of(AttributeSource.CustomerSegment, -1), Of(AttributeSource.Channel, -1), Of(AttributeSource.ReasonCodes, -1), host);
    }

    /// <summary>
    /// Adds to <paramref name="matched"/> the looked-up conditions the request matches: exactly those
    /// whose <c>In</c> holds the request's value (for reason codes, one of them).
    /// </summary>
    public void Match(ResolutionRequest request, ReadOnlySpan<AttributeValue> values, ref ConditionSet matched, int capacity)
    {
        if (Segment is { } segment && request.CustomerSegment is { } segmentValue)
        {
            AddAll(segment, segmentValue, ref matched, capacity);
        }

        if (Channel is { } channel && request.Channel is { } channelValue)
        {
            AddAll(channel, channelValue, ref matched, capacity);
        }

        if (ReasonCodes is { } reasonCodes && RequestValidator.AsSpan(request.ReasonCodes, out ReadOnlySpan<string?> span))
        {
            foreach (string? code in span)
            {
                if (code is not null)
                {
                    AddAll(reasonCodes, code, ref matched, capacity);
                }
            }
        }
        else if (ReasonCodes is { } reasonCodeIndex && request.ReasonCodes is { } codes)
        {
            for (int i = 0; i < codes.Count; i++)
            {
                if (codes[i] is { } code)
                {
                    AddAll(reasonCodeIndex, code, ref matched, capacity);
                }
            }
        }

        foreach ((int slot, FrozenDictionary<string, int[]> byValue) in Host)
        {
            ref readonly AttributeValue value = ref values[slot];
            if (value.IsSet && value.Text is { } text)
            {
                AddAll(byValue, text, ref matched, capacity);
            }
        }

        static void AddAll(FrozenDictionary<string, int[]> byValue, string value, ref ConditionSet matched, int capacity)
        {
            if (byValue.TryGetValue(value, out int[]? conditions))
            {
                foreach (int condition in conditions)
                {
                    matched.Add(condition, capacity);
                }
            }
        }
    }

    /// <summary>
    /// The comparison when a test is nothing but "a text attribute is in a set": no other setting
    /// (<c>IsSet: true</c> changes nothing, as <c>In</c> needs the attribute given).
    /// </summary>
    private static AttributeComparison? InOnly(TestNode node)
    {
        if (node.Kind != TestKind.Compare || node.Comparison is not { In: not null } comparison)
        {
            return null;
        }

        AttributeDefinition attribute = comparison.Attribute;
        bool text = attribute.Type == AttributeType.String
            && attribute.Source is AttributeSource.CustomerSegment or AttributeSource.Channel or AttributeSource.ReasonCodes or AttributeSource.Host;
        bool onlyIn = comparison.IsSet is null or true && comparison.Is is null
            && comparison.EqualTo is null && comparison.GreaterThan is null && comparison.AtLeast is null && comparison.LessThan is null && comparison.AtMost is null
            && comparison.OlderThan is null && comparison.AtLeastAgo is null && comparison.NewerThan is null && comparison.Within is null;
        return text && onlyIn ? comparison : null;
    }
}
