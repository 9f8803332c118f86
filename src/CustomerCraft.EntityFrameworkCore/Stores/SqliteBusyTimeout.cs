using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// Makes SQLite wait for its write lock inside the engine rather than in Microsoft.Data.Sqlite's
/// retry loop. Without a <c>busy_timeout</c>, a writer that finds the database locked gets
/// SQLITE_BUSY at once and the ADO.NET provider sleeps 150 ms before trying again, so under
/// concurrent writers most of the time goes to sleeping (measured: eight writers granted at less
/// than half the rate of one). With it, SQLite retries in short steps and the next writer starts
/// as soon as the lock is free. The wait is bounded by the connection's command timeout
/// (<c>Default Timeout</c> in the connection string, 30 seconds unless set). Other providers'
/// connections are left alone.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const string SqliteConnectionType = "Microsoft.Data.Sqlite.SqliteConnection";

    public static SqliteBusyTimeout Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsSqlite(connection))
        {
            using DbCommand command = Create(connection);
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsSqlite(connection))
        {
            await using DbCommand command = Create(connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsSqlite(DbConnection connection) => string.Equals(connection.GetType().FullName, SqliteConnectionType, StringComparison.Ordinal);

    private static DbCommand Create(DbConnection connection)
    {
        DbCommand command = connection.CreateCommand();
        // A new command's timeout is the connection's Default Timeout; 0 means wait for ever.
        int milliseconds = command.CommandTimeout <= 0 ? int.MaxValue : checked(command.CommandTimeout * 1000);
#pragma warning disable CA2100 // The text is built from an integer, not from input.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {milliseconds};");
#pragma warning restore CA2100
        return command;
    }
}
