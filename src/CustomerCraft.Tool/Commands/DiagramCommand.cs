using System.CommandLine;
using System.Text;
using CustomerCraft.Escalation;
using CustomerCraft.Insight.Description;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tool.Commands;

/// <summary>
/// <c>diagram</c>: the case workflow (the state machine the library runs, as docs/escalation.mmd and
/// docs/escalation.dot, generated from it and embedded in the tool) or a policy's approval ladder,
/// as Mermaid or DOT.
/// </summary>
internal static class DiagramCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "The policy file; needed for --show ladder.", Arity = ArgumentArity.ZeroOrOne };
        Option<string> section = CommonOptions.Section();
        Option<string> format = CommonOptions.Format("mermaid (for Markdown pages) or dot (Graphviz).", "mermaid", "dot");
        var show = new Option<string>("--show")
        {
            Description = "workflow: the case states and moves; ladder: the policy's escalation levels and who approves at each.",
            DefaultValueFactory = _ => "workflow",
        };
        show.AcceptOnlyFromAmong("workflow", "ladder");
        var command = new Command("diagram", "Prints the escalation workflow (case states and moves) or a policy's approval ladder as a Mermaid or Graphviz DOT diagram.")
        {
            file, section, format, show,
        };
        command.SetAction(parse => Run(parse.GetValue(file), parse.GetValue(section)!, parse.GetValue(format)!, parse.GetValue(show)!));
        return command;
    }

    private static int Run(string? file, string section, string format, string show)
    {
        if (show == "workflow")
        {
            string name = format == "dot" ? "escalation.dot" : "escalation.mmd";
            using Stream diagram = typeof(DiagramCommand).Assembly.GetManifestResourceStream(name)
                ?? throw new ToolException($"the workflow diagram {name} is missing from the tool's assembly.", ExitCodes.InternalError);
            using var reader = new StreamReader(diagram);
            Console.Out.Write(reader.ReadToEnd());
            return ExitCodes.Ok;
        }

        if (file is null)
        {
            throw new ToolException("--show ladder needs the policy file.", ExitCodes.UsageError);
        }

        PolicyDescription description;
        try
        {
            description = PolicyDescription.Of(PolicyFile.Section(file, section));
        }
        catch (OptionsValidationException ex)
        {
            foreach (string error in ex.Failures)
            {
                Console.Out.WriteLine($"error: {error}");
            }

            return ExitCodes.PolicyInvalidOrTestFailed;
        }

        if (description.Ladder.Count == 0)
        {
            throw new ToolException($"{file}: the policy configures no escalation ladder ({section}:Escalation:Levels).", ExitCodes.PolicyInvalidOrTestFailed);
        }

        Console.Out.Write(format == "dot" ? LadderDot(description) : LadderMermaid(description));
        return ExitCodes.Ok;
    }

    private static string Label(LadderLevelDescription level) => $"Level {level.Level}: {level.DisplayName} ({level.Role})";

    private static string LadderMermaid(PolicyDescription description)
    {
        var text = new StringBuilder("flowchart TB\n");
        foreach (LadderLevelDescription level in description.Ladder)
        {
            text.Append("    L").Append(level.Level).Append("[\"").Append(Label(level).Replace("\"", "'", StringComparison.Ordinal)).Append("\"]\n");
        }

        for (int i = 1; i < description.Ladder.Count; i++)
        {
            text.Append("    L").Append(description.Ladder[i - 1].Level).Append(" -->|").Append(i == 1 ? "over authority, or a missed target" : "missed target or approval timeout")
                .Append("| L").Append(description.Ladder[i].Level).Append('\n');
        }

        return text.ToString();
    }

    private static string LadderDot(PolicyDescription description)
    {
        var text = new StringBuilder("digraph ladder {\n    rankdir=TB;\n    node [shape=box];\n");
        foreach (LadderLevelDescription level in description.Ladder)
        {
            text.Append("    L").Append(level.Level).Append(" [label=\"").Append(Label(level).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"];\n");
        }

        for (int i = 1; i < description.Ladder.Count; i++)
        {
            text.Append("    L").Append(description.Ladder[i - 1].Level).Append(" -> L").Append(description.Ladder[i].Level)
                .Append(" [label=\"").Append(i == 1 ? "over authority, or a missed target" : "missed target or approval timeout").Append("\"];\n");
        }

        return text.Append("}\n").ToString();
    }
}
