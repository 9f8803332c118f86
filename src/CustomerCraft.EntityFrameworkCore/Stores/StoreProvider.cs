using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>The database engines the stores know how to lock on.</summary>
internal enum StoreProvider
{
    Sqlite,
    PostgreSql,
}

internal static class StoreProviders
{
    public const string SqliteName = "Microsoft.EntityFrameworkCore.Sqlite";
    public const string PostgreSqlName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>
    /// The provider behind <paramref name="database"/>. Claims and budget locks use SQL each engine
    /// understands differently, so an engine the stores were not written and tested for is refused
    /// rather than trusted.
    /// </summary>
    public static StoreProvider Of(DatabaseFacade database) => Of(database.ProviderName);

    /// <summary>A context for one store operation, refused up front if its provider is not one the stores support.</summary>
    public static async Task<TContext> CreateContextAsync<TContext>(IDbContextFactory<TContext> contexts, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        TContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Of(context.Database);
            return context;
        }
        catch
        {
            await context.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static StoreProvider Of(string? providerName) => providerName switch
    {
        SqliteName => StoreProvider.Sqlite,
        PostgreSqlName => StoreProvider.PostgreSql,
        _ => throw new NotSupportedException(
            $"The CustomerCraft EF Core stores run on SQLite ({SqliteName}) and PostgreSQL ({PostgreSqlName}); the context uses '{providerName ?? "no provider"}'."),
    };
}
