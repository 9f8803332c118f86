using System.CommandLine;

namespace CustomerCraft.Tool.Commands;

/// <summary><c>schema</c>: prints the JSON schema of the <c>CustomerCraft</c> section, the same file the core package ships.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var command = new Command("schema", "Prints the JSON schema of the CustomerCraft section (the schema the CustomerCraft package ships); point an appsettings file's \"$schema\" at a saved copy for completion and checks in editors.");
        command.SetAction(_ =>
        {
            using Stream schema = typeof(SchemaCommand).Assembly.GetManifestResourceStream("customercraft.schema.json")
                ?? throw new ToolException("the schema is missing from the tool's assembly.", ExitCodes.InternalError);
            using Stream output = Console.OpenStandardOutput();
            schema.CopyTo(output);
            return ExitCodes.Ok;
        });
        return command;
    }
}
