using System.Diagnostics;
using CustomerCraft.Insight;

namespace CustomerCraft.Tool;

/// <summary>
/// Shows a what-if's progress on one rewritten line of the terminal, at most five times a second. When
/// standard error is redirected (a CI log, a pipe) nothing is shown: progress is for people watching.
/// </summary>
internal sealed class TerminalProgress : IProgress<WhatIfProgress>, IDisposable
{
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.MinValue;
    private bool _shown;

    /// <summary>A progress that shows, or <see langword="null"/> when standard error is not a terminal.</summary>
    public static TerminalProgress? ForTerminal() => Console.IsErrorRedirected ? null : new TerminalProgress();

    public void Report(WhatIfProgress value)
    {
        TimeSpan now = _since.Elapsed;
        if (now - _last < TimeSpan.FromMilliseconds(200))
        {
            return;
        }

        _last = now;
        _shown = true;
        string text = value.RecordsReplayed == 0
            ? $"reading the history: {value.RecordsRead:N0} records"
            : $"replaying: {value.RecordsReplayed:N0} of {value.RecordsRead:N0} records ({100.0 * value.RecordsReplayed / Math.Max(1, value.RecordsRead):0}%)";
        Console.Error.Write($"\r{text,-70}");
    }

    public void Dispose()
    {
        if (_shown)
        {
            Console.Error.Write($"\r{new string(' ', 70)}\r");
        }
    }
}
