using System.CommandLine;
using System.Globalization;
using CustomerCraft.Tool;
using CustomerCraft.Tool.Commands;

// Output reads the same on every machine (CI logs, docs): numbers and dates in the invariant culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// A plain Command named "customercraft" rather than RootCommand, whose name is the assembly's file
// name: help and errors name the command people type.
var root = new Command("customercraft", "The policy author's workbench for CustomerCraft policies: validate, test, explain, diff, what-if, diagram, schema. Exit codes: 0 ok, 1 policy invalid or a test failed, 2 usage error, 3 input file or database unreadable, 130 cancelled.")
{
    ValidateCommand.Create(),
    TestCommand.Create(),
    ExplainCommand.Create(),
    DiffCommand.Create(),
    WhatIfCommand.Create(),
    DiagramCommand.Create(),
    SchemaCommand.Create(),
};
root.Options.Add(new System.CommandLine.Help.HelpOption());
root.Options.Add(new VersionOption());
root.SetAction(parse =>
{
    Console.Error.WriteLine("customercraft: name a command; 'customercraft --help' lists them.");
    return ExitCodes.UsageError;
});

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
    {
        Console.Error.WriteLine($"customercraft: {error.Message}");
    }

    Console.Error.WriteLine($"Run '{string.Join(' ', CommandPath(parsed.CommandResult.Command))} --help' for usage.");
    return ExitCodes.UsageError;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (ToolException ex)
{
    Console.Error.WriteLine($"customercraft: {OneLine(ex.Message)}");
    return ex.ExitCode;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("customercraft: cancelled.");
    return ExitCodes.Cancelled;
}
catch (Exception ex)
{
    // Never a stack trace: one line a user can report.
    Console.Error.WriteLine($"customercraft: unexpected error ({ex.GetType().Name}): {OneLine(ex.Message)}");
    return ExitCodes.InternalError;
}

// Database drivers put details on further lines (PostgreSQL's "POSITION: 253"); a problem is one line.
static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

static IEnumerable<string> CommandPath(Command command) =>
    command.Name == "customercraft" ? ["customercraft"] : ["customercraft", command.Name];
