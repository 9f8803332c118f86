using CustomerCraft.Empowerment;
using CustomerCraft.Coaching;
using CustomerCraft.Escalation;
using CustomerCraft.Identifiers;
using CustomerCraft.Retention;

namespace CustomerCraft;

/// <summary>
/// The root of the <c>CustomerCraft</c> configuration section. Each capability has its own
/// child section so that hosts can keep one block of appsettings for the whole library.
/// </summary>
public sealed class CustomerCraftOptions
{
    /// <summary>The configuration section name hosts conventionally use: <c>CustomerCraft</c>.</summary>
    public const string SectionName = "CustomerCraft";

    /// <summary>
    /// What each role may do for a customer without asking: roles, actions, limits and
    /// conditions. Bound from <c>CustomerCraft:Empowerment</c>.
    /// </summary>
    public EmpowermentOptions Empowerment { get; set; } = new();

    /// <summary>The escalation ladder and SLA targets. Bound from <c>CustomerCraft:Escalation</c>.</summary>
    public EscalationOptions Escalation { get; set; } = new();

    /// <summary>Scorecards and live nudges. Bound from <c>CustomerCraft:Coaching</c>.</summary>
    public CoachingOptions Coaching { get; set; } = new();

    /// <summary>
    /// How ids are compared everywhere CustomerCraft compares them (four-eyes, budgets, retried
    /// grants, case ownership): <see cref="IdComparison.IgnoreCase"/> (the default) or
    /// <see cref="IdComparison.Exact"/>. Bound from <c>CustomerCraft:IdComparison</c>; read at
    /// start-up only, since budgets are kept under it (a reload does not change it).
    /// </summary>
    public IdComparison IdComparison { get; set; } = IdComparison.IgnoreCase;

    /// <summary>Settings of the default in-memory decision log. Bound from <c>CustomerCraft:DecisionLog</c>.</summary>
    public InMemoryDecisionLogOptions DecisionLog { get; set; } = new();

    /// <summary>
    /// How long budget charges, grants and decision records are kept, and how often they are
    /// pruned. Bound from <c>CustomerCraft:Retention</c>; read at start-up. Only a host that runs
    /// the pruning (<c>AddRetentionJob()</c>, or <see cref="IDataRetention"/>) removes anything.
    /// </summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>
    /// What the strict binder could not bind (each with its path). They are reported together with the
    /// policy's own errors when the options are validated, so one pass shows every problem.
    /// </summary>
    internal List<string> BindingErrors { get; } = [];
}
