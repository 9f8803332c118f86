using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>What a compiled test node does.</summary>
internal enum TestKind : byte
{
    AllOf,
    AnyOf,
    NoneOf,
    Compare,
    Host,
}

/// <summary>
/// One node of the policy's compiled tests. Every condition's <c>When</c> and every named test is
/// compiled into one flat table of nodes that refer to their children by index, so evaluating a test
/// walks arrays and never allocates; a named test is compiled once and referenced by index.
/// </summary>
internal sealed class TestNode
{
    public required TestKind Kind { get; init; }

    /// <summary>For composites: the indexes of the children in the table.</summary>
    public int[] Children { get; init; } = [];

    /// <summary>For a host condition: the name of the condition (or named test) it is configured in, which its context carries.</summary>
    public string? Name { get; init; }

    public AttributeDefinition? Attribute { get; init; }

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

    /// <summary>For host conditions: the registered type, its instance, its parameters and its slot in the host results.</summary>
    public string? HostType { get; init; }

    public IResolutionCondition? HostCondition { get; init; }

    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    public int HostSlot { get; init; } = -1;
}

/// <summary>What tests read: the request, its parsed attributes, host conditions' answers and the decision time.</summary>
internal readonly ref struct TestContext(ResolutionRequest request, decimal amount, ReadOnlySpan<AttributeValue> values, ReadOnlySpan<bool> hostResults, DateTimeOffset now)
{
    public ResolutionRequest Request { get; } = request;

    /// <summary>The request's amount in the policy currency (converted when it came in another).</summary>
    public decimal Amount { get; } = amount;

    public ReadOnlySpan<AttributeValue> Values { get; } = values;

    public ReadOnlySpan<bool> HostResults { get; } = hostResults;

    public DateTimeOffset Now { get; } = now;
}

/// <summary>Evaluates and explains compiled tests.</summary>
internal static class TestEvaluator
{
    public static bool Evaluate(TestNode[] nodes, int index, in TestContext context)
    {
        TestNode node = nodes[index];
        switch (node.Kind)
        {
            case TestKind.AllOf:
                foreach (int child in node.Children)
                {
                    if (!Evaluate(nodes, child, context))
                    {
                        return false;
                    }
                }

                return true;
            case TestKind.AnyOf:
                foreach (int child in node.Children)
                {
                    if (Evaluate(nodes, child, context))
                    {
                        return true;
                    }
                }

                return false;
            case TestKind.NoneOf:
                foreach (int child in node.Children)
                {
                    if (Evaluate(nodes, child, context))
                    {
                        return false;
                    }
                }

                return true;
            case TestKind.Host:
                return context.HostResults[node.HostSlot];
            default:
                return Compare(node, context);
        }
    }

    private static bool Compare(TestNode node, in TestContext context)
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

    private static bool TryRead(AttributeDefinition attribute, in TestContext context, out decimal number, out bool boolean, out DateTimeOffset time, out string? text)
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

    /// <summary>
    /// Writes the test as evaluated for a request: the request's values beside the rule's, joined with
    /// AND, OR and NOT, for example <c>Plan is Business AND OutageHours 5 &gt;= 4</c>.
    /// </summary>
    public static void Explain(TestNode[] nodes, int index, in TestContext context, StringBuilder text)
    {
        TestNode node = nodes[index];
        switch (node.Kind)
        {
            case TestKind.AllOf:
            case TestKind.AnyOf:
                string separator = node.Kind == TestKind.AllOf ? " AND " : " OR ";
                for (int i = 0; i < node.Children.Length; i++)
                {
                    text.Append(i == 0 ? string.Empty : separator);
                    ExplainGrouped(nodes, node.Children[i], context, text, node.Kind);
                }

                return;
            case TestKind.NoneOf:
                for (int i = 0; i < node.Children.Length; i++)
                {
                    text.Append(i == 0 ? "NOT " : " AND NOT ");
                    ExplainGrouped(nodes, node.Children[i], context, text, node.Kind);
                }

                return;
            case TestKind.Host:
                text.Append(node.HostType).Append(context.HostResults[node.HostSlot] ? " holds" : " does not hold");
                return;
            default:
                ExplainCompare(node, context, text);
                return;
        }
    }

    /// <summary>
    /// A child inside a composite: in brackets when it combines several tests itself, so the grouping
    /// reads as configured, except where the brackets change nothing (ANDs inside an AND, ORs inside an OR).
    /// </summary>
    private static void ExplainGrouped(TestNode[] nodes, int index, in TestContext context, StringBuilder text, TestKind parent)
    {
        TestNode child = nodes[index];
        bool combines = child.Kind is TestKind.AllOf or TestKind.AnyOf or TestKind.NoneOf && child.Children.Length > 1;
        bool associative = (parent == TestKind.AllOf && child.Kind is TestKind.AllOf or TestKind.NoneOf) || (parent == TestKind.AnyOf && child.Kind == TestKind.AnyOf);
        bool bracket = combines && !associative;
        text.Append(bracket ? "(" : string.Empty);
        Explain(nodes, index, context, text);
        text.Append(bracket ? ")" : string.Empty);
    }

    private static void ExplainCompare(TestNode node, in TestContext context, StringBuilder text)
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
                text.Append(attribute.Name).Append(' ').Append(Days(age)).Append(" ago");
                AppendAge(text, node.OlderThan, ">");
                AppendAge(text, node.AtLeastAgo, ">=");
                AppendAge(text, node.NewerThan, "<");
                AppendAge(text, node.Within, "<=");
                return;
            default:
                text.Append(attribute.Name).Append(' ').Append(Format(number));
                AppendNumber(text, node.EqualTo, "=");
                AppendNumber(text, node.GreaterThan, ">");
                AppendNumber(text, node.AtLeast, ">=");
                AppendNumber(text, node.LessThan, "<");
                AppendNumber(text, node.AtMost, "<=");
                return;
        }
    }

    private static bool HasComparison(TestNode node) =>
        node.In is not null || node.Is is not null || node.EqualTo is not null || node.GreaterThan is not null || node.AtLeast is not null
        || node.LessThan is not null || node.AtMost is not null || node.OlderThan is not null || node.AtLeastAgo is not null
        || node.NewerThan is not null || node.Within is not null;

    private static void AppendNumber(StringBuilder text, decimal? bound, string op)
    {
        if (bound is decimal value)
        {
            text.Append(' ').Append(op).Append(' ').Append(Format(value));
        }
    }

    private static void AppendAge(StringBuilder text, TimeSpan? bound, string op)
    {
        if (bound is TimeSpan value)
        {
            text.Append(' ').Append(op).Append(' ').Append(Days(value));
        }
    }

    /// <summary>A span in days, with up to one decimal ("14 days", "0.5 days").</summary>
    internal static string Days(TimeSpan span)
    {
        double days = Math.Round(span.TotalDays, 1);
        return days == 1 ? "1 day" : $"{days.ToString("0.#", CultureInfo.InvariantCulture)} days";
    }

    internal static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
