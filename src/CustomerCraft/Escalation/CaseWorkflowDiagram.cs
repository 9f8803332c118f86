using CustomerCraft.Escalation.Workflow;
using Stateless.Graph;

namespace CustomerCraft.Escalation;

/// <summary>Exports the case state machine the workflow runs, for documentation and reviews.</summary>
public static class CaseWorkflowDiagram
{
    /// <summary>The state machine as a Mermaid state diagram.</summary>
    public static string ToMermaid() => MermaidGraph.Format(CaseStateMachine.CreateForDiagram().GetInfo());

    /// <summary>The state machine as a Graphviz DOT graph.</summary>
    public static string ToDot() => UmlDotGraph.Format(CaseStateMachine.CreateForDiagram().GetInfo());
}
