using System.CommandLine;
using System.Text.Json;
using CustomerCraft.Insight.Description;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tool.Commands;

/// <summary><c>validate</c>: binds and compiles the policy exactly as a host does and lists every error with its path.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        Argument<string> file = CommonOptions.File("file", "The appsettings file (or any JSON file) holding the policy.");
        Option<string> section = CommonOptions.Section();
        Option<string> format = CommonOptions.Format("text: one line per error; json: {\"valid\", \"version\", \"errors\": [{\"path\", \"message\"}]}.", "text", "json");
        var command = new Command("validate", "Checks a policy as AddCustomerCraft would at start-up and prints every error with its configuration path. Exit 0 when valid, 1 when not.")
        {
            file, section, format,
        };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(section)!, parse.GetValue(format)!));
        return command;
    }

    private static int Run(string file, string section, string format)
    {
        IReadOnlyList<string> errors = [];
        PolicyDescription? description = null;
        try
        {
            description = PolicyDescription.Of(PolicyFile.Section(file, section));
        }
        catch (OptionsValidationException ex)
        {
            errors = [.. ex.Failures];
        }

        if (format == "json")
        {
            using var json = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("file", file);
            json.WriteBoolean("valid", description is not null);
            json.WriteString("version", description?.Version);
            json.WriteStartArray("errors");
            foreach (string error in errors)
            {
                (string path, string message) = Split(error);
                json.WriteStartObject();
                json.WriteString("path", path);
                json.WriteString("message", message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            Console.Out.WriteLine();
        }
        else if (description is not null)
        {
            Console.Out.WriteLine($"{file}: valid. Policy version {description.Version}: {description.Roles.Count} roles, {description.Roles.FirstOrDefault()?.Actions.Count ?? 0} actions, {description.Conditions.Count} conditions, {description.Ladder.Count} ladder levels.");
        }
        else
        {
            foreach (string error in errors)
            {
                Console.Out.WriteLine($"error: {error}");
            }

            Console.Out.WriteLine($"{file}: invalid, {errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}.");
        }

        return description is not null ? ExitCodes.Ok : ExitCodes.PolicyInvalidOrTestFailed;
    }

    /// <summary>Errors read "path: message"; a summary line such as "... and 3 more" has no path.</summary>
    internal static (string Path, string Message) Split(string error)
    {
        int colon = error.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !error[..colon].Contains(' ', StringComparison.Ordinal) ? (error[..colon], error[(colon + 2)..]) : (string.Empty, error);
    }
}
