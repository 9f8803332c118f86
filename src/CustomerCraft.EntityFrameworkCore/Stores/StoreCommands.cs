using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The stores' hot-path statements, sent through EF Core's relational command pipeline rather than
/// through LINQ, <c>SqlQueryRaw</c> or <c>SaveChanges</c>. A grant used to pay for query
/// compilation-cache look-ups, result shaping and change tracking on every command (about 116 KB
/// allocated per grant, docs/benchmarks.md); this builds the command from SQL text with
/// <c>{0}</c>-style placeholders, as <c>ExecuteSqlRaw</c> does, and reads the rows itself. The
/// command still runs on the context's connection and transaction, through the host's
/// interceptors and logging, with parameter values converted by the provider's type mappings (so
/// a value is stored exactly as EF Core would store it).
/// </summary>
internal static class StoreCommands
{
    /// <summary>Runs <paramref name="sql"/> and returns its reader; disposing the reader closes a connection the command opened.</summary>
    public static Task<RelationalDataReader> ReadAsync(DbContext context, string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        RawSqlCommand command = context.GetService<IRawSqlCommandBuilder>().Build(sql, parameters!, context.Model);
        return command.RelationalCommand.ExecuteReaderAsync(Arguments(context, command, CommandSource.FromSqlQuery), cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> and returns the number of rows it changed.</summary>
    public static Task<int> ExecuteAsync(DbContext context, string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        RawSqlCommand command = context.GetService<IRawSqlCommandBuilder>().Build(sql, parameters!, context.Model);
        return command.RelationalCommand.ExecuteNonQueryAsync(Arguments(context, command, CommandSource.ExecuteSqlRaw), cancellationToken);
    }

    /// <summary>Runs a command built beforehand (<see cref="IRawSqlCommandBuilder"/>) and returns its reader.</summary>
    public static Task<RelationalDataReader> ReadAsync(DbContext context, RawSqlCommand command, CancellationToken cancellationToken) =>
        command.RelationalCommand.ExecuteReaderAsync(Arguments(context, command, CommandSource.FromSqlQuery), cancellationToken);

    /// <summary>Runs a command built beforehand (<see cref="IRawSqlCommandBuilder"/>) and returns the number of rows it changed.</summary>
    public static Task<int> ExecuteAsync(DbContext context, RawSqlCommand command, CancellationToken cancellationToken) =>
        command.RelationalCommand.ExecuteNonQueryAsync(Arguments(context, command, CommandSource.ExecuteSqlRaw), cancellationToken);

    private static RelationalCommandParameterObject Arguments(DbContext context, RawSqlCommand command, CommandSource source) =>
        new(
            context.GetService<IRelationalConnection>(),
            command.ParameterValues,
            readerColumns: null,
            context,
            context.GetService<IRelationalCommandDiagnosticsLogger>(),
            source);
}
