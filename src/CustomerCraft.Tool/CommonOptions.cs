using System.CommandLine;

namespace CustomerCraft.Tool;

/// <summary>Options several commands share, so they read and default the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Section() => new("--section", "-s")
    {
        Description = "The configuration path of the policy's section in the file.",
        DefaultValueFactory = _ => "CustomerCraft",
        HelpName = "path",
    };

    public static Option<string> Format(string description, params string[] formats)
    {
        var option = new Option<string>("--format", "-f")
        {
            Description = description,
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    public static Argument<string> File(string name, string description) => new(name) { Description = description };
}
