using System.CommandLine;
using System.Text.Json;
using CustomerCraft.Insight.Description;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tool.Commands;

/// <summary><c>diff</c>: two versions of a policy compared in plain words, line by line (<see cref="PolicyDescription.Diff"/>).</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        Argument<string> before = CommonOptions.File("old", "The policy before the change.");
        Argument<string> after = CommonOptions.File("new", "The policy after the change.");
        Option<string> section = CommonOptions.Section();
        Option<string> format = CommonOptions.Format("text: changed, added and removed lines in plain words; json: {\"changed\", \"added\", \"removed\"} with each line's key.", "text", "json");
        var command = new Command("diff", "Compares two versions of a policy in plain words: which limits, budgets, conditions and ladder levels changed, were added or removed. Exit 0 (also when they differ), 1 when either policy is invalid.")
        {
            before, after, section, format,
        };
        command.SetAction(parse => Run(parse.GetValue(before)!, parse.GetValue(after)!, parse.GetValue(section)!, parse.GetValue(format)!));
        return command;
    }

    private static int Run(string before, string after, string section, string format)
    {
        PolicyDescription? old = Describe(before, section);
        PolicyDescription? @new = Describe(after, section);
        if (old is null || @new is null)
        {
            return ExitCodes.PolicyInvalidOrTestFailed;
        }

        PolicyDescriptionDiff diff = PolicyDescription.Diff(old, @new);
        if (format == "json")
        {
            using var json = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("oldVersion", old.Version);
            json.WriteString("newVersion", @new.Version);
            json.WriteStartArray("changed");
            foreach (PolicyDescriptionChange change in diff.Changed)
            {
                json.WriteStartObject();
                json.WriteString("key", change.Key);
                json.WriteString("old", change.OldText);
                json.WriteString("new", change.NewText);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteLines(json, "added", diff.Added);
            WriteLines(json, "removed", diff.Removed);
            json.WriteEndObject();
            json.Flush();
            Console.Out.WriteLine();
            return ExitCodes.Ok;
        }

        if (diff.IsEmpty)
        {
            Console.Out.WriteLine($"The policies read the same (version {old.Version}).");
            return ExitCodes.Ok;
        }

        Console.Out.WriteLine($"{before} (version {old.Version}) -> {after} (version {@new.Version})");
        foreach (PolicyDescriptionChange change in diff.Changed.Where(c => c.Key != "policy/version"))
        {
            Console.Out.WriteLine($"changed  {change.Key}");
            Console.Out.WriteLine($"   - {change.OldText}");
            Console.Out.WriteLine($"   + {change.NewText}");
        }

        foreach (PolicyDescriptionLine line in diff.Added)
        {
            Console.Out.WriteLine($"added    {line.Key}");
            Console.Out.WriteLine($"   + {line.Text}");
        }

        foreach (PolicyDescriptionLine line in diff.Removed)
        {
            Console.Out.WriteLine($"removed  {line.Key}");
            Console.Out.WriteLine($"   - {line.Text}");
        }

        int changed = diff.Changed.Count(c => c.Key != "policy/version");
        Console.Out.WriteLine($"{changed} changed, {diff.Added.Count} added, {diff.Removed.Count} removed.");
        return ExitCodes.Ok;
    }

    private static void WriteLines(Utf8JsonWriter json, string name, IReadOnlyList<PolicyDescriptionLine> lines)
    {
        json.WriteStartArray(name);
        foreach (PolicyDescriptionLine line in lines)
        {
            json.WriteStartObject();
            json.WriteString("key", line.Key);
            json.WriteString("text", line.Text);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static PolicyDescription? Describe(string file, string section)
    {
        try
        {
            return PolicyDescription.Of(PolicyFile.Section(file, section));
        }
        catch (OptionsValidationException ex)
        {
            foreach (string error in ex.Failures)
            {
                Console.Out.WriteLine($"error: {file}: {error}");
            }

            return null;
        }
    }
}
