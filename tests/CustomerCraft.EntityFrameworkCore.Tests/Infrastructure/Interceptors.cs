using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Runs <see cref="Action"/> once, just before the first command whose text contains a marker.</summary>
internal sealed class BeforeCommand(string marker) : DbCommandInterceptor
{
    private int _fired;

    /// <summary>What to do before the command goes out, given the command.</summary>
    public Func<DbCommand, Task>? Action { get; set; }

    public bool Fired => Volatile.Read(ref _fired) == 1;

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await RunAsync(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await RunAsync(command);
        return result;
    }

    private async Task RunAsync(DbCommand command)
    {
        if (Action is { } action && command.CommandText.Contains(marker, StringComparison.Ordinal) && Interlocked.Exchange(ref _fired, 1) == 0)
        {
            await action(command);
        }
    }
}

/// <summary>Runs <see cref="Before"/> once, just before the next transaction begins.</summary>
internal sealed class PauseBeforeTransaction : DbTransactionInterceptor
{
    public Func<Task>? Before { get; set; }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (Before is { } before)
        {
            Before = null;
            await before();
        }

        return result;
    }
}

/// <summary>
/// After the first command whose text contains a marker (and, unless told otherwise, INSERT) has
/// run, throws a transient error as if its reply had been lost: the database did the work, the
/// caller does not know.
/// </summary>
internal sealed class LoseResponseAfter(string marker, bool requireInsert = true) : DbCommandInterceptor
{
    private int _fired;

    public bool Fired => Volatile.Read(ref _fired) == 1;

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (Matches(command))
        {
            await result.DisposeAsync();
            throw Lost();
        }

        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        Matches(command) ? throw Lost() : ValueTask.FromResult(result);

    private bool Matches(DbCommand command) =>
        command.CommandText.Contains(marker, StringComparison.Ordinal)
        && (!requireInsert || command.CommandText.Contains("INSERT", StringComparison.Ordinal))
        && Interlocked.Exchange(ref _fired, 1) == 0;

    private static NpgsqlException Lost() => new("the response was lost (injected)", new TimeoutException("injected"));
}
