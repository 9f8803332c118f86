using System.Diagnostics;

namespace CustomerCraft.Tool.Tests;

/// <summary>Runs the real <c>customercraft</c> tool as a process (<c>dotnet CustomerCraft.Tool.dll</c>, built once with the tests) and repository files it reads.</summary>
internal static class Tool
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CustomerCraft.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} contains CustomerCraft.sln.");
    });

    public static string Root => s_root.Value;

    public static string QuickStart => Path.Combine(Root, "samples", "CustomerCraft.Samples.QuickStart", "appsettings.json");

    public static string Broadband => Path.Combine(Root, "samples", "policies", "broadband.json");

    public static string BroadbandTests => Path.Combine(Root, "samples", "policies", "broadband.tests.json");

    /// <summary>The tool's build output in the same configuration as the tests (bin/Debug or bin/Release).</summary>
    private static string Dll
    {
        get
        {
            return Path.Combine(Root, "src", "CustomerCraft.Tool", "bin", Configuration, "net10.0", "CustomerCraft.Tool.dll");
        }
    }

    /// <summary>The configuration the tests (and so the tool) were built in.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static ToolResult Run(params string[] args) => RunDotnet(null, null, [Dll, .. args]);

    /// <summary>Runs <c>dotnet</c> with the arguments in <paramref name="directory"/> (the current one when null), with extra environment variables.</summary>
    public static ToolResult RunDotnet(string? directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (directory is not null)
        {
            start.WorkingDirectory = directory;
        }

        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 60 s.");
        }

        return new ToolResult(process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>What a run of the tool gave.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>A directory of its own for one test's files, deleted after.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("customercraft-tool-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
