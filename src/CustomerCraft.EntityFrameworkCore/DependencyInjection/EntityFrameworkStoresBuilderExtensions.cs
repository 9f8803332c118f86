using CustomerCraft.Storage;
using CustomerCraft;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore;
using CustomerCraft.EntityFrameworkCore.Migrations;
using CustomerCraft.EntityFrameworkCore.Stores;
using CustomerCraft.Escalation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts CustomerCraft's budgets, grants, decision log and cases in a database through EF Core.</summary>
public static class EntityFrameworkStoresBuilderExtensions
{
    /// <summary>
    /// Replaces every in-memory store (budget ledger, decision log, case store) with EF Core stores
    /// on <see cref="CustomerCraftDbContext"/>, configured by <paramref name="configureDatabase"/>:
    /// <c>o =&gt; o.UseSqlite("Data Source=customercraft.db")</c> or
    /// <c>o =&gt; o.UseNpgsql(connectionString, npgsql =&gt; npgsql.EnableRetryOnFailure())</c>.
    /// Create or upgrade the schema with <see cref="MigrateCustomerCraftDatabaseAsync"/> at start-up.
    /// </summary>
    /// <param name="builder">The CustomerCraft builder.</param>
    /// <param name="configureDatabase">Chooses the provider and connection; may add interceptors, logging and retries.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ICustomerCraftBuilder AddEntityFrameworkStores(this ICustomerCraftBuilder builder, Action<DbContextOptionsBuilder> configureDatabase)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configureDatabase);
        builder.Services.AddPooledDbContextFactory<CustomerCraftDbContext>(options =>
        {
            configureDatabase(options);
            // The package holds one migration set per provider; pick the one for this provider.
            options.ReplaceService<IMigrationsAssembly, CustomerCraftMigrationsAssembly>();
        });
        return builder.AddEntityFrameworkStores<CustomerCraftDbContext>();
    }

    /// <summary>
    /// Replaces every in-memory store with EF Core stores on the host's own context
    /// <typeparamref name="TContext"/>, whose <c>OnModelCreating</c> calls
    /// <see cref="CustomerCraftModelBuilderExtensions.ApplyCustomerCraftModel"/> and which is
    /// registered with <c>AddDbContextFactory&lt;TContext&gt;</c> or <c>AddPooledDbContextFactory&lt;TContext&gt;</c>
    /// (the stores are singletons and create a short-lived context per operation). The host's own
    /// migrations create the tables. On SQLite, the context's connections also get a
    /// <c>busy_timeout</c>, so that concurrent writers wait for the write lock without sleeping.
    /// </summary>
    /// <typeparam name="TContext">The host's context, on SQLite or PostgreSQL.</typeparam>
    /// <param name="builder">The CustomerCraft builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ICustomerCraftBuilder AddEntityFrameworkStores<TContext>(this ICustomerCraftBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        // On SQLite, writers wait for the write lock inside the engine (see SqliteBusyTimeout).
        builder.Services.ConfigureDbContext<TContext>(options => options.AddInterceptors(SqliteBusyTimeout.Instance));
        builder.Services.Replace(ServiceDescriptor.Singleton<IBudgetLedger, EntityFrameworkBudgetLedger<TContext>>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IDecisionLog, EntityFrameworkDecisionLog<TContext>>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ICaseStore, EntityFrameworkCaseStore<TContext>>());
        return builder;
    }

    /// <summary>
    /// Creates the CustomerCraft tables, or brings them up to date, by applying the migrations
    /// shipped for the configured provider; applied migrations are skipped, so every start-up may
    /// call it. On SQLite it also switches the database file to write-ahead logging, so that reads
    /// do not wait for writes. For hosts that registered <see cref="AddEntityFrameworkStores(ICustomerCraftBuilder, Action{DbContextOptionsBuilder})"/>;
    /// hosts with their own context migrate it themselves. The options registered with
    /// <c>ValidateOnStart</c> (CustomerCraft's among them) are validated first, so an invalid
    /// configuration throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>, listing every error, before
    /// the database is touched.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    public static async Task MigrateCustomerCraftDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        IDbContextFactory<CustomerCraftDbContext> contexts = services.GetService<IDbContextFactory<CustomerCraftDbContext>>()
            ?? throw new InvalidOperationException("MigrateCustomerCraftDatabaseAsync needs AddCustomerCraft(...).AddEntityFrameworkStores(o => ...) to be registered first.");

        // Validate first: a host whose configuration is wrong stops here, before a database or any
        // table is created for it (the host would validate the same options on start anyway).
        services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        await using CustomerCraftDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        StoreProvider provider = StoreProviders.Of(context.Database);
        try
        {
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex) when (provider == StoreProvider.PostgreSql && ex.SqlState is "42P07" or "42710" or "42723" or "42704")
        {
            // Instances starting together: EF Core's migration lock is held per migration, and an
            // instance that waited for it can still try a migration another instance has just
            // applied (the object it creates already exists, or the one it drops is already gone;
            // the failed migration rolled back). Running again reads the history afresh and
            // applies only what is still missing.
            await using CustomerCraftDbContext again = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await again.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (provider == StoreProvider.Sqlite)
        {
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }
    }
}
