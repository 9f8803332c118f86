using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Fails the database work of a store at a chosen step: the Nth command sent, or the commit.
/// Counting steps first (with nothing armed) tells a test how many steps an operation has, so it
/// can fail each one in turn.
/// </summary>
internal sealed class FaultInterceptor : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private int _commands;
    private int _commits;

    /// <summary>Fail the command with this number (from 1), counted since <see cref="Reset"/>.</summary>
    public int? FailCommand { get; set; }

    /// <summary>Fail the commit with this number (from 1), before it reaches the database.</summary>
    public int? FailCommit { get; set; }

    /// <summary>Let the commit with this number (from 1) happen, then throw as if its acknowledgement was lost.</summary>
    public int? LoseCommitAcknowledgement { get; set; }

    /// <summary>Makes the failure; by default an <see cref="InjectedFault"/>, which no execution strategy retries.</summary>
    public Func<string, Exception> Fault { get; set; } = message => new InjectedFault(message);

    /// <summary>Commands seen since <see cref="Reset"/>.</summary>
    public int Commands => Volatile.Read(ref _commands);

    /// <summary>Commits seen since <see cref="Reset"/>.</summary>
    public int Commits => Volatile.Read(ref _commits);

    public List<string> Sql { get; } = [];

    public void Reset()
    {
        _commands = 0;
        _commits = 0;
        FailCommand = null;
        FailCommit = null;
        LoseCommitAcknowledgement = null;
        lock (Sql)
        {
            Sql.Clear();
        }
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        int commit = Interlocked.Increment(ref _commits);
        if (commit == FailCommit)
        {
            throw Fault($"commit {commit} failed (injected)");
        }

        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Volatile.Read(ref _commits) == LoseCommitAcknowledgement
            ? throw Fault($"commit {_commits} succeeded but its acknowledgement was lost (injected)")
            : Task.CompletedTask;

    private void Count(DbCommand command)
    {
        int number = Interlocked.Increment(ref _commands);
        lock (Sql)
        {
            Sql.Add(command.CommandText);
        }

        if (number == FailCommand)
        {
            throw Fault($"command {number} failed (injected): {command.CommandText.Split('\n')[0]}");
        }
    }
}

/// <summary>A failure a test injected.</summary>
internal sealed class InjectedFault(string message) : IOException(message);
