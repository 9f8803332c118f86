using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>The database engines the store tests run on.</summary>
public enum Engine
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// A throwaway database for one test: an SQLite file in the temp folder, or a database of its own
/// on the PostgreSQL server named by <c>CUSTOMERCRAFT_POSTGRES</c>. A PostgreSQL test without that
/// variable is reported as skipped, with the reason, never as passed.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "CUSTOMERCRAFT_POSTGRES";

    private static int s_instances;

    private TestDatabase(Engine engine, string connectionString, string? name, string? file)
    {
        Engine = engine;
        ConnectionString = connectionString;
        Name = name;
        File = file;
    }

    public Engine Engine { get; }

    public string ConnectionString { get; }

    /// <summary>The PostgreSQL database's name.</summary>
    public string? Name { get; }

    /// <summary>The SQLite file.</summary>
    public string? File { get; }

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Creates an empty database and (unless told not to) applies the package's migrations to it.</summary>
    public static async Task<TestDatabase> CreateAsync(Engine engine, bool migrate = true)
    {
        TestDatabase database;
        if (engine == Engine.Sqlite)
        {
            string file = Path.Combine(Path.GetTempPath(), $"customercraft-{Guid.NewGuid():N}.db");
            database = new TestDatabase(engine, $"Data Source={file}", null, file);
        }
        else
        {
            string admin = PostgresConnectionString ?? throw new SkipException($"PostgreSQL tests need a server: set {PostgresVariable} to a connection string (.ci/run does).");
            string name = $"cc_test_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync();
            }

            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            database = new TestDatabase(engine, builder.ConnectionString, name, null);
        }

        if (migrate)
        {
            using TestHost host = database.Host();
            await host.Services.MigrateCustomerCraftDatabaseAsync();
        }

        return database;
    }

    /// <summary>
    /// An "instance": a container of its own with its own connection pool (the connection string
    /// names the instance, and pools are per connection string), sharing this database.
    /// </summary>
    public TestHost Host(IDictionary<string, string?>? settings = null, FakeTimeProvider? time = null, Action<DbContextOptionsBuilder>? configure = null, Action<ICustomerCraftBuilder>? customize = null)
    {
        int instance = Interlocked.Increment(ref s_instances);
        return EscalationFixtures.Build(settings, builder =>
        {
            builder.AddEntityFrameworkStores(options =>
            {
                Configure(options, instance);
                configure?.Invoke(options);
            });
            customize?.Invoke(builder);
        }, time);
    }

    /// <summary>Points <paramref name="options"/> at this database with a pool named after <paramref name="instance"/>.</summary>
    public void Configure(DbContextOptionsBuilder options, int instance)
    {
        if (Engine == Engine.Sqlite)
        {
            // Writers wait for SQLite's single write lock up to the command timeout.
            options.UseSqlite(new SqliteConnectionStringBuilder(ConnectionString) { DefaultTimeout = 60 }.ConnectionString);
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = $"instance-{instance}", MaxPoolSize = 20 };
            options.UseNpgsql(builder.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(5, TimeSpan.FromMilliseconds(50), null));
        }

        options.ConfigureWarnings(w => w.Ignore(CoreEventId.SensitiveDataLoggingEnabledWarning));
    }

    /// <summary>A context on this database outside any host, for looking at the rows directly.</summary>
    public CustomerCraftDbContext OpenContext()
    {
        var options = new DbContextOptionsBuilder<CustomerCraftDbContext>();
        Configure(options, 0);
        return new CustomerCraftDbContext(options.Options);
    }

    /// <summary>Ends, from another connection, the PostgreSQL server process serving <paramref name="command"/>: a dropped connection, for real.</summary>
    public async Task KillBackendAsync(System.Data.Common.DbCommand command)
    {
        int pid = ((NpgsqlConnection)command.Connection!).ProcessID;
        await using var admin = new NpgsqlConnection(ConnectionString);
        await admin.OpenAsync();
        await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend({pid})", admin);
        await terminate.ExecuteScalarAsync();
        await Task.Delay(200);
    }

    public async ValueTask DisposeAsync()
    {
        if (File is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (string path in new[] { File, File + "-wal", File + "-shm" })
            {
                if (System.IO.File.Exists(path))
                {
                    System.IO.File.Delete(path);
                }
            }
        }
        else if (Name is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(PostgresConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await drop.ExecuteNonQueryAsync();
                    return;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
                {
                    // FORCE cannot end a session of another role: an autovacuum worker that has just
                    // started on the new database. It finishes within moments; drop again then.
                    await Task.Delay(100);
                }
            }
        }
    }
}
