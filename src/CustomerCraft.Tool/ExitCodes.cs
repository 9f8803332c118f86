namespace CustomerCraft.Tool;

/// <summary>The tool's exit codes, documented in docs/workbench.md; scripts and CI branch on them.</summary>
internal static class ExitCodes
{
    /// <summary>Done: the policy is valid, every test passed, the command printed its answer.</summary>
    public const int Ok = 0;

    /// <summary>The policy is invalid, a test failed, or coverage is under <c>--min-coverage</c>.</summary>
    public const int PolicyInvalidOrTestFailed = 1;

    /// <summary>The command line is wrong: an unknown option, a missing argument, conflicting choices, a request that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>An input file or the database cannot be read (missing, not JSON, no decision log).</summary>
    public const int InputUnreadable = 3;

    /// <summary>A bug in the tool: an error it did not expect. The one line says what happened.</summary>
    public const int InternalError = 70;

    /// <summary>Cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>A problem the tool reports as one line and an exit code, never as a stack trace.</summary>
internal sealed class ToolException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
