using System.Collections.Frozen;
using System.Text;
using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// The built-in test: one request attribute compared by the settings that suit its declared type
/// (<c>In</c>, <c>Is</c>, <c>IsSet</c>, number bounds, ages of a date-time). It is an
/// <see cref="IResolutionCondition"/> like any host condition, so the two are interchangeable in a
/// policy's tests; the engine calls its synchronous <see cref="IsMatch"/> directly, which reads the
/// attributes already parsed for the request and allocates nothing.
/// </summary>
internal sealed class AttributeComparison : IResolutionCondition
{
    public required AttributeDefinition Attribute { get; init; }

    public FrozenSet<string>? In { get; init; }

    public string[]? InList { get; init; }

    public bool? Is { get; init; }

    public bool? IsSet { get; init; }

    public decimal? EqualTo { get; init; }

    public decimal? GreaterThan { get; init; }

    public decimal? AtLeast { get; init; }

    public decimal? LessThan { get; init; }

    public decimal? AtMost { get; init; }

    public TimeSpan? OlderThan { get; init; }

    public TimeSpan? AtLeastAgo { get; init; }

    public TimeSpan? NewerThan { get; init; }

    public TimeSpan? Within { get; init; }

    /// <summary>Answers for a request whose attributes are already parsed (the engine's path).</summary>
    public bool IsMatch(in TestContext context) => Compare(this, context);

    /// <summary>Writes the comparison as evaluated: the request's value beside the rule's.</summary>
    public void Explain(in TestContext context, StringBuilder text) => ExplainCompare(this, context, text);

    /// <summary>
    /// Writes the comparison as configured, with no request: <c>Plan in Business|Enterprise</c>,
    /// <c>OutageHours &gt;= 4</c>, <c>CustomerSince age &lt; 14 days</c>, <c>NOT Receipt</c>.
    /// </summary>
    public void Describe(StringBuilder text)
    {
        string name = Attribute.Name;
        // IsSet false matches only an absent attribute, whatever else is compared; a comparison needs it given.
        if (IsSet == false || (IsSet == true && !HasComparison(this)))
        {
            text.Append(name).Append(IsSet == true ? " given" : " not given");
            return;
        }

        switch (Attribute.Type)
        {
            case AttributeType.Boolean:
                text.Append(Is == false ? "NOT " : string.Empty).Append(name);
                break;
            case AttributeType.String:
                text.Append(name);
                if (InList is { } list)
                {
                    text.Append(" in ").Append(string.Join("|", list));
                }
                else
                {
                    text.Append(" given");
                }

                break;
            case AttributeType.DateTime:
                text.Append(name).Append(" age");
                AppendAge(text, OlderThan, ">");
                AppendAge(text, AtLeastAgo, ">=");
                AppendAge(text, NewerThan, "<");
                AppendAge(text, Within, "<=");
                break;
            default:
                text.Append(name);
                AppendNumber(text, EqualTo, "=");
                AppendNumber(text, GreaterThan, ">");
                AppendNumber(text, AtLeast, ">=");
                AppendNumber(text, LessThan, "<");
                AppendNumber(text, AtMost, "<=");
                break;
        }
    }

    /// <summary>
    /// Answers through the host contract: the attribute is read and parsed from the request here
    /// (an <see cref="ArgumentException"/> names it when it does not parse), and the amount is the
    /// request's own.
    /// </summary>
    public ValueTask<bool> IsMatchAsync(ResolutionConditionContext context, CancellationToken cancellationToken)
    {
        ResolutionRequest request = context.Request;
        AttributeValue[] values = [];
        if (Attribute.Source == AttributeSource.Host)
        {
            values = new AttributeValue[Attribute.Slot + 1];
            if (request.Attributes is { } attributes && attributes.TryGetValue(Attribute.Name, out string? text) && text is not null)
            {
                values[Attribute.Slot] = AttributeSchema.Parse(Attribute, text);
            }
        }

        return new(IsMatch(new TestContext(request, request.Amount, values, [], context.Now)));
    }

    private static bool Compare(AttributeComparison node, in TestContext context)
    {
        AttributeDefinition attribute = node.Attribute!;
        bool isSet = TryRead(attribute, context, out decimal number, out bool boolean, out DateTimeOffset time, out string? text);
        if (node.IsSet is bool wanted && wanted != isSet)
        {
            return false;
        }

        if (!isSet)
        {
            return node.IsSet == false;
        }

        if (node.In is { } set)
        {
            if (attribute.Source == AttributeSource.ReasonCodes)
            {
                if (!AnyIn(context.Request.ReasonCodes, set))
                {
                    return false;
                }
            }
            else if (!set.Contains(text!))
            {
                return false;
            }
        }

        if (node.Is is bool expected && boolean != expected)
        {
            return false;
        }

        if ((node.EqualTo is decimal eq && number != eq)
            || (node.GreaterThan is decimal gt && number <= gt)
            || (node.AtLeast is decimal ge && number < ge)
            || (node.LessThan is decimal lt && number >= lt)
            || (node.AtMost is decimal le && number > le))
        {
            return false;
        }

        if (attribute.Type == AttributeType.DateTime)
        {
            TimeSpan age = context.Now - time;
            if ((node.OlderThan is TimeSpan older && age <= older)
                || (node.AtLeastAgo is TimeSpan atLeast && age < atLeast)
                || (node.NewerThan is TimeSpan newer && age >= newer)
                || (node.Within is TimeSpan within && age > within))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyIn(IReadOnlyList<string>? codes, FrozenSet<string> set)
    {
        if (codes is null)
        {
            return false;
        }

        for (int i = 0; i < codes.Count; i++)
        {
            if (codes[i] is { } code && set.Contains(code))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool TryRead(AttributeDefinition attribute, in TestContext context, out decimal number, out bool boolean, out DateTimeOffset time, out string? text)
    {
        number = 0;
        boolean = false;
        time = default;
        text = null;
        ResolutionRequest request = context.Request;
        switch (attribute.Source)
        {
            case AttributeSource.CustomerSegment:
                text = request.CustomerSegment;
                return text is not null;
            case AttributeSource.Channel:
                text = request.Channel;
                return text is not null;
            case AttributeSource.ReasonCodes:
                return request.ReasonCodes is { Count: > 0 };
            case AttributeSource.CustomerSince:
                time = request.CustomerSince.GetValueOrDefault();
                return request.CustomerSince is not null;
            case AttributeSource.Amount:
                number = context.Amount;
                return true;
            default:
                ref readonly AttributeValue value = ref context.Values[attribute.Slot];
                number = value.Number;
                boolean = value.Boolean;
                time = value.Time;
                text = value.Text;
                return value.IsSet;
        }
    }

    private static void ExplainCompare(AttributeComparison node, in TestContext context, StringBuilder text)
    {
        AttributeDefinition attribute = node.Attribute!;
        bool isSet = TryRead(attribute, context, out decimal number, out bool boolean, out DateTimeOffset time, out string? value);
        if (node.IsSet is bool wanted && (!isSet || !HasComparison(node)))
        {
            text.Append(attribute.Name).Append(isSet ? " given" : " not given");
            if (wanted != isSet)
            {
                text.Append(wanted ? " (needed)" : " (must not be)");
            }

            return;
        }

        if (!isSet)
        {
            text.Append(attribute.Name).Append(" not given");
            return;
        }

        switch (attribute.Type)
        {
            case AttributeType.Boolean:
                // Written as the test, not the value: NoneOf supplies its own NOT, and "NOT NOT Receipt" reads as nonsense.
                text.Append(node.Is == false ? "NOT " : string.Empty).Append(attribute.Name);
                return;
            case AttributeType.String:
                string shown = attribute.Source == AttributeSource.ReasonCodes ? string.Join("+", context.Request.ReasonCodes!) : value!;
                bool inSet = node.In is null || Compare(node, context);
                text.Append(attribute.Name).Append(' ').Append(shown);
                if (!inSet)
                {
                    text.Append(" not in ").Append(string.Join("|", node.InList!));
                }

                return;
            case AttributeType.DateTime:
                TimeSpan age = context.Now - time;
                text.Append(attribute.Name).Append(' ').Append(TestEvaluator.Days(age)).Append(" ago");
                AppendAge(text, node.OlderThan, ">");
                AppendAge(text, node.AtLeastAgo, ">=");
                AppendAge(text, node.NewerThan, "<");
                AppendAge(text, node.Within, "<=");
                return;
            default:
                text.Append(attribute.Name).Append(' ').Append(TestEvaluator.Format(number));
                AppendNumber(text, node.EqualTo, "=");
                AppendNumber(text, node.GreaterThan, ">");
                AppendNumber(text, node.AtLeast, ">=");
                AppendNumber(text, node.LessThan, "<");
                AppendNumber(text, node.AtMost, "<=");
                return;
        }
    }

    private static bool HasComparison(AttributeComparison node) =>
        node.In is not null || node.Is is not null || node.EqualTo is not null || node.GreaterThan is not null || node.AtLeast is not null
        || node.LessThan is not null || node.AtMost is not null || node.OlderThan is not null || node.AtLeastAgo is not null
        || node.NewerThan is not null || node.Within is not null;

    private static void AppendNumber(StringBuilder text, decimal? bound, string op)
    {
        if (bound is decimal value)
        {
            text.Append(' ').Append(op).Append(' ').Append(TestEvaluator.Format(value));
        }
    }

    private static void AppendAge(StringBuilder text, TimeSpan? bound, string op)
    {
        if (bound is TimeSpan value)
        {
            text.Append(' ').Append(op).Append(' ').Append(TestEvaluator.Days(value));
        }
    }

}
