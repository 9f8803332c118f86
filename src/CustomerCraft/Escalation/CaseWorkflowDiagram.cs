using CustomerCraft.Escalation.Workflow;
using Stateless.Graph;

namespace CustomerCraft.Escalation;

/// <summary>
/// Exports the case state machine the workflow runs, for documentation and reviews. The machine is
/// fixed, not configured, so the exports live in docs/ (escalation.md, .mmd, .dot), kept true by a
/// test, and <c>customercraft diagram</c> prints them: hosts have no runtime use for it.
/// </summary>
internal static class CaseWorkflowDiagram
{
    /// <summary>The state machine as a Mermaid state diagram.</summary>
    public static string ToMermaid() => MermaidGraph.Format(CaseStateMachine.CreateForDiagram().GetInfo());

    /// <summary>The state machine as a Graphviz DOT graph.</summary>
    public static string ToDot() => UmlDotGraph.Format(CaseStateMachine.CreateForDiagram().GetInfo());
}
