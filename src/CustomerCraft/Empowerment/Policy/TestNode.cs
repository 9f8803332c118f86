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

    /// <summary>For an attribute comparison: the built-in condition that compares (the same contract a host condition implements).</summary>
    public AttributeComparison? Comparison { get; init; }

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
                return node.Comparison!.IsMatch(context);
        }
    }

    /// <summary>
    /// Writes the test as evaluated for a request: the request's values beside the rule's, joined with
    /// AND, OR and NOT, for example <c>Plan is Business AND OutageHours 5 &gt;= 4</c>.
    /// </summary>
    public static void Explain(TestNode[] nodes, int index, in TestContext context, StringBuilder text) => Walk(nodes, index, context, text, describe: false);

    /// <summary>
    /// Writes the test as configured, with no request: the rule's values joined with AND, OR and NOT,
    /// for example <c>Plan in Business|Enterprise AND OutageHours &gt;= 4</c>. The same walk as
    /// <see cref="Explain"/>, so a policy's description and its decisions group tests alike.
    /// </summary>
    public static void Describe(TestNode[] nodes, int index, StringBuilder text)
    {
        TestContext none = default;
        Walk(nodes, index, none, text, describe: true);
    }

    private static void Walk(TestNode[] nodes, int index, in TestContext context, StringBuilder text, bool describe)
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
                    WalkGrouped(nodes, node.Children[i], context, text, node.Kind, describe);
                }

                return;
            case TestKind.NoneOf:
                for (int i = 0; i < node.Children.Length; i++)
                {
                    text.Append(i == 0 ? "NOT " : " AND NOT ");
                    WalkGrouped(nodes, node.Children[i], context, text, node.Kind, describe);
                }

                return;
            case TestKind.Host:
                text.Append(node.HostType);
                if (!describe)
                {
                    text.Append(context.HostResults[node.HostSlot] ? " holds" : " does not hold");
                }

                return;
            default:
                if (describe)
                {
                    node.Comparison!.Describe(text);
                }
                else
                {
                    node.Comparison!.Explain(context, text);
                }

                return;
        }
    }

    /// <summary>
    /// A child inside a composite: in brackets when it combines several tests itself, so the grouping
    /// reads as configured, except where the brackets change nothing (ANDs inside an AND, ORs inside an OR).
    /// </summary>
    private static void WalkGrouped(TestNode[] nodes, int index, in TestContext context, StringBuilder text, TestKind parent, bool describe)
    {
        TestNode child = nodes[index];
        bool combines = child.Kind is TestKind.AllOf or TestKind.AnyOf or TestKind.NoneOf && child.Children.Length > 1;
        bool associative = (parent == TestKind.AllOf && child.Kind is TestKind.AllOf or TestKind.NoneOf) || (parent == TestKind.AnyOf && child.Kind == TestKind.AnyOf);
        bool bracket = combines && !associative;
        text.Append(bracket ? "(" : string.Empty);
        Walk(nodes, index, context, text, describe);
        text.Append(bracket ? ")" : string.Empty);
    }

    /// <summary>A span in days, with up to one decimal ("14 days", "0.5 days").</summary>
    internal static string Days(TimeSpan span)
    {
        double days = Math.Round(span.TotalDays, 1);
        return days == 1 ? "1 day" : $"{days.ToString("0.#", CultureInfo.InvariantCulture)} days";
    }

    internal static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
