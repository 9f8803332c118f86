using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore;
using CustomerCraft.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CustomerCraft.Benchmarks;

/// <summary>The database behind the EF Core stores in a storage benchmark, and the variants compared with them.</summary>
public enum StorageEngine
{
    /// <summary>
    /// An SQLite file in the temp folder (WAL mode, set by <c>MigrateCustomerCraftDatabaseAsync</c>): the
    /// package as shipped, whose connections get <c>PRAGMA busy_timeout</c> (the connection's
    /// <c>Default Timeout</c>, 60 s here), so a writer waits for the write lock inside SQLite.
    /// </summary>
    Sqlite,

    /// <summary>
    /// PostgreSQL, the package as shipped: one row lock per budget, the missing budget rows created
    /// (<c>INSERT ... ON CONFLICT DO NOTHING</c>) and all of them locked (<c>SELECT ... FOR UPDATE</c>,
    /// in key order) in one round trip.
    /// </summary>
    PostgreSql,

    /// <summary>
    /// SQLite as shipped, except that a host interceptor registered after the package's sets
    /// <c>PRAGMA busy_timeout = 0</c> again on every connection: the stores as they were before the
    /// busy timeout was built in (commit a7128b2). A writer that finds the write lock taken fails at
    /// once into Microsoft.Data.Sqlite's retry loop, which sleeps 150 ms per busy attempt. Measured
    /// beside the shipped stores, in the same run, to show what the built-in busy timeout buys.
    /// </summary>
    SqliteNoBusyTimeout,

    /// <summary>
    /// PostgreSQL with the reservation replaced, in the benchmark project only, by the shipped
    /// row-lock algorithm written with raw Npgsql commands instead of EF Core
    /// (<see cref="StorageRawLedger"/>): the baseline that separates the locking strategy from
    /// EF Core's own cost.
    /// </summary>
    PgRawRowLocks,

    /// <summary>
    /// PostgreSQL with the reservation replaced, in the benchmark project only, by the same
    /// transaction under SERIALIZABLE isolation with no budget rows and no row locks, retried on
    /// serialization failures (<see cref="StorageRawLedger"/>, raw Npgsql): the alternative strategy.
    /// </summary>
    PgRawSerializable,
}

/// <summary>Whose budgets the grants of one invocation charge.</summary>
public enum BudgetContention
{
    /// <summary>Every grant a different incident, customer and agent: no two grants share a budget.</summary>
    Uncontended,

    /// <summary>Every grant of an invocation charges the same customer's and the same agent's budgets (distinct incidents).</summary>
    Contended,
}

/// <summary>
/// Where the PostgreSQL server is (<c>CUSTOMERCRAFT_POSTGRES</c>, or the local development server)
/// and whether it answers. Asked once per process, when BenchmarkDotNet lists the parameters; when
/// the server does not answer, the PostgreSQL parameters are left out with a message, and the
/// SQLite benchmarks run alone.
/// </summary>
internal static class StoragePostgres
{
    public const string Variable = "CUSTOMERCRAFT_POSTGRES";

    public const string LocalDefault = "Host=127.0.0.1;Port=5432;Username=customercraft;Password=customercraft;Database=customercraft";

    private static readonly Lazy<bool> s_available = new(Probe);

    /// <summary>The admin connection string: a database on a server where the role can CREATE DATABASE.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : LocalDefault;

    public static bool Available => s_available.Value;

    /// <summary><paramref name="engines"/> without the PostgreSQL ones when the server does not answer.</summary>
    public static IEnumerable<StorageEngine> Reachable(params StorageEngine[] engines) =>
        engines.Where(e => e is StorageEngine.Sqlite or StorageEngine.SqliteNoBusyTimeout || Available).ToArray();

    /// <summary>Where the server is, without the password.</summary>
    public static string Describe()
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database} as {builder.Username}";
        }
        catch (ArgumentException)
        {
            return "(an unreadable connection string)";
        }
    }

    private static bool Probe()
    {
        string source = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } ? Variable : "the local default";
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5, Pooling = false };
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT 1", connection);
            command.ExecuteScalar();
            Console.WriteLine($"// PostgreSQL at {Describe()} ({source}) answers: the PostgreSQL storage benchmarks run.");
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            Console.WriteLine($"// PostgreSQL at {Describe()} ({source}) is not reachable ({ex.GetType().Name}: {ex.Message}).");
            Console.WriteLine($"// The PostgreSQL storage benchmarks are SKIPPED; only SQLite runs. Set {Variable} to a connection string (a role that may CREATE DATABASE) to run them.");
            return false;
        }
    }
}

/// <summary>
/// A throwaway database for one benchmark case, migrated by <c>MigrateCustomerCraftDatabaseAsync</c>:
/// an SQLite file in the temp folder, or a database of its own (<c>cc_bench_&lt;guid&gt;</c>) on the
/// PostgreSQL server. Each <see cref="Instance"/> is a separate container with its own connection
/// pool, as separate host processes sharing the database would be.
/// </summary>
internal sealed class StorageDatabase : IAsyncDisposable
{
    private readonly string? _file;
    private readonly string? _name;
    private readonly List<ServiceProvider> _instances = [];

    private StorageDatabase(StorageEngine engine, string connectionString, string? file, string? name)
    {
        Engine = engine;
        ConnectionString = connectionString;
        _file = file;
        _name = name;
    }

    public StorageEngine Engine { get; }

    public string ConnectionString { get; }

    public bool IsPostgres => Engine is not (StorageEngine.Sqlite or StorageEngine.SqliteNoBusyTimeout);

    public static async Task<StorageDatabase> CreateAsync(StorageEngine engine)
    {
        StorageDatabase database;
        if (engine is StorageEngine.Sqlite or StorageEngine.SqliteNoBusyTimeout)
        {
            string file = Path.Combine(Path.GetTempPath(), $"customercraft-bench-{Guid.NewGuid():N}.db");
            database = new StorageDatabase(engine, $"Data Source={file}", file, null);
        }
        else
        {
            string name = $"cc_bench_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(StoragePostgres.ConnectionString))
            {
                await connection.OpenAsync().ConfigureAwait(false);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            var builder = new NpgsqlConnectionStringBuilder(StoragePostgres.ConnectionString) { Database = name };
            database = new StorageDatabase(engine, builder.ConnectionString, null, name);
        }

        await using (ServiceProvider migrator = database.BuildInstance(Workload.Configuration(Workload.PolicyShape.Generous), 0, register: false))
        {
            await migrator.MigrateCustomerCraftDatabaseAsync().ConfigureAwait(false);
        }

        return database;
    }

    /// <summary>A new "instance": its own container and connection pool on this database.</summary>
    public ServiceProvider Instance(IConfigurationSection configuration) =>
        BuildInstance(configuration, _instances.Count + 1, register: true);

    /// <summary>Runs a scalar query (a count) on this database, outside every instance.</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using DbConnection connection = IsPostgres
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The <c>busy_timeout</c> (ms) of a connection opened by <paramref name="instance"/>'s EF Core
    /// context, so through every interceptor the instance registered; SQLite only.
    /// </summary>
    public static async Task<long> BusyTimeoutAsync(IServiceProvider instance)
    {
        IDbContextFactory<CustomerCraftDbContext> contexts = instance.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>();
        await using CustomerCraftDbContext context = await contexts.CreateDbContextAsync().ConfigureAwait(false);
        await context.Database.OpenConnectionAsync().ConfigureAwait(false);
        await using DbCommand command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>The <c>PRAGMA synchronous</c> of a connection of <paramref name="instance"/> (0 off, 1 normal, 2 full, 3 extra).</summary>
    public static async Task<long> SynchronousAsync(IServiceProvider instance)
    {
        IDbContextFactory<CustomerCraftDbContext> contexts = instance.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>();
        await using CustomerCraftDbContext context = await contexts.CreateDbContextAsync().ConfigureAwait(false);
        await context.Database.OpenConnectionAsync().ConfigureAwait(false);
        await using DbCommand command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider instance in _instances)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
        }

        _instances.Clear();
        if (_file is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (string path in new[] { _file, _file + "-wal", _file + "-shm" })
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
        }
        else if (_name is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(StoragePostgres.ConnectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    private ServiceProvider BuildInstance(IConfigurationSection configuration, int instance, bool register)
    {
        var services = new ServiceCollection();
        // Warnings and errors (a decision log write that failed, a reservation that lost a race,
        // a failed command) are counted and printed after the run; nothing else is logged.
        services.AddLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(StorageDiagnostics.Instance);
            logging.SetMinimumLevel(LogLevel.Warning);
        });
        services.AddCustomerCraft(configuration).AddEntityFrameworkStores(options =>
        {
            if (IsPostgres)
            {
                // Pools are per connection string: a distinct application name gives every
                // instance its own pool, as a separate process would have.
                var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = $"cc-bench-instance-{instance}", MaxPoolSize = 20 };
                options.UseNpgsql(builder.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(5, TimeSpan.FromMilliseconds(50), null));
            }
            else
            {
                // Writers wait for SQLite's single write lock up to the command timeout.
                options.UseSqlite(new SqliteConnectionStringBuilder(ConnectionString) { DefaultTimeout = 60 }.ConnectionString);
            }

            options.AddInterceptors(StorageDiagnostics.Instance);
        });

        if (!IsPostgres && SqliteSynchronous.Setting is not null)
        {
            // CUSTOMERCRAFT_BENCH_SQLITE_SYNCHRONOUS: the host's choice of durability (docs/storage.md).
            services.ConfigureDbContext<CustomerCraftDbContext>(options => options.AddInterceptors(SqliteSynchronous.Instance));
        }

        if (Engine == StorageEngine.SqliteNoBusyTimeout)
        {
            // Registered after AddEntityFrameworkStores, so this interceptor runs after the package's
            // and its PRAGMA is the last word (checked by BusyTimeoutAsync in the set-up).
            services.ConfigureDbContext<CustomerCraftDbContext>(options => options.AddInterceptors(SqliteNoBusyTimeout.Instance));
        }

        if (Engine is StorageEngine.PgRawRowLocks or StorageEngine.PgRawSerializable)
        {
            StorageRawLedger.Register(services, Engine == StorageEngine.PgRawSerializable);
        }

        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        if (register)
        {
            _instances.Add(provider);
        }

        return provider;
    }
}

/// <summary>
/// Sets <c>PRAGMA busy_timeout = 0</c> on every SQLite connection EF Core opens, after the package's
/// own interceptor has set it to the connection's timeout: the stores as they were before the busy
/// timeout was built in, where a statement that finds the database locked fails at once into
/// Microsoft.Data.Sqlite's retry loop (which sleeps 150 ms a time) instead of waiting inside SQLite.
/// </summary>
internal sealed class SqliteNoBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteNoBusyTimeout Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using DbCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 0;";
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// What the stores did during a run, counted without changing them: commands and transactions
/// (through an EF Core interceptor), the round trips that touch the budget lock rows
/// (<c>customercraft_budgets</c>: creating and locking them), failed commands by error code,
/// commands and transaction starts that took longer than <see cref="StallThreshold"/> (on SQLite,
/// a writer that waited for the write lock: inside SQLite's busy handler as shipped, or in
/// Microsoft.Data.Sqlite's 150 ms sleeps without a busy timeout), and the warnings the library
/// logged (a reservation that lost a race, a decision log write that failed).
/// </summary>
internal sealed class StorageDiagnostics : IDbCommandInterceptor, IDbTransactionInterceptor, ILoggerProvider
{
    public static readonly StorageDiagnostics Instance = new();

    public static readonly TimeSpan StallThreshold = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _warnings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CommandKind> _kinds = new(StringComparer.Ordinal);
    private long _commands;
    private long _budgetLockRoundTrips;
    private long _transactions;
    private long _rollbacks;
    private long _stalls;
    private long _stallTicks;
    private long _beginStalls;
    private long _beginStallTicks;
    private long _serializationRetries;
    private long _maxAttempts;
    private TimeSpan _clientCpuAtReset;
    private TimeSpan? _serverCpuAtReset;

    private StorageDiagnostics()
    {
    }

    public long Commands => Interlocked.Read(ref _commands);

    // Process CPU time (all threads: the workers, EF Core, SQLite, the collector) at the last reset.
    private TimeSpan _cpuAtReset;

    public void Reset()
    {
        _cpuAtReset = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        _failures.Clear();
        _warnings.Clear();
        _kinds.Clear();
        Interlocked.Exchange(ref _commands, 0);
        Interlocked.Exchange(ref _budgetLockRoundTrips, 0);
        Interlocked.Exchange(ref _transactions, 0);
        Interlocked.Exchange(ref _rollbacks, 0);
        Interlocked.Exchange(ref _stalls, 0);
        Interlocked.Exchange(ref _stallTicks, 0);
        Interlocked.Exchange(ref _beginStalls, 0);
        Interlocked.Exchange(ref _beginStallTicks, 0);
        Interlocked.Exchange(ref _serializationRetries, 0);
        Interlocked.Exchange(ref _maxAttempts, 0);
        _clientCpuAtReset = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        _serverCpuAtReset = LocalPostgresCpu.Read();
    }

    /// <summary>A command the raw ledger ran itself (outside EF Core's interceptors).</summary>
    public void CountCommand() => Interlocked.Increment(ref _commands);

    public void CountTransaction() => Interlocked.Increment(ref _transactions);

    /// <summary>A rollback the raw ledger made itself (a duplicate key or an exceeded limit).</summary>
    public void CountRollback() => Interlocked.Increment(ref _rollbacks);

    /// <summary>A round trip on the budget lock rows that the raw ledger ran itself.</summary>
    public void CountBudgetLockRoundTrip() => Interlocked.Increment(ref _budgetLockRoundTrips);

    public void CountSerializationRetry(string sqlState)
    {
        Interlocked.Increment(ref _serializationRetries);
        Interlocked.Increment(ref _rollbacks);
        _failures.AddOrUpdate($"PostgresException {sqlState} (retried by the raw ledger)", 1, static (_, n) => n + 1);
    }

    public void CountAttempts(int attempts)
    {
        long seen;
        while (attempts > (seen = Interlocked.Read(ref _maxAttempts)) && Interlocked.CompareExchange(ref _maxAttempts, attempts, seen) != seen)
        {
        }
    }

    public void CountFailure(Exception exception) =>
        _failures.AddOrUpdate(Describe(exception), 1, static (_, n) => n + 1);

    /// <summary>The counts, one line each, per <paramref name="operations"/> operations.</summary>
    public void Print(string what, long operations)
    {
        double per = Math.Max(1, operations);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// Storage diagnostics for {operations} {what}: {Commands / per:F2} commands, {Interlocked.Read(ref _transactions) / per:F2} transactions, {Interlocked.Read(ref _rollbacks) / per:F2} rollbacks, {Interlocked.Read(ref _budgetLockRoundTrips) / per:F2} budget-lock round trips per operation."));
        TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtReset;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// Process CPU time since the set-up: {cpu.TotalMilliseconds * 1000 / per:F0} us per operation ({cpu.TotalSeconds:F2} s for {operations})."));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// Stalls over {StallThreshold.TotalMilliseconds:F0} ms: {Interlocked.Read(ref _beginStalls)} transaction starts ({TimeSpan.FromTicks(Interlocked.Read(ref _beginStallTicks)).TotalSeconds:F2} s in all), {Interlocked.Read(ref _stalls)} commands ({TimeSpan.FromTicks(Interlocked.Read(ref _stallTicks)).TotalSeconds:F2} s in all)."));
        TimeSpan clientCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _clientCpuAtReset;
        string serverCpu = _serverCpuAtReset is { } serverAtReset && LocalPostgresCpu.Read() is { } serverNow
            ? string.Create(CultureInfo.InvariantCulture, $"; the PostgreSQL server on this machine (every backend, whatever its database), {(serverNow - serverAtReset).TotalMicroseconds / per:F0} us")
            : "";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// CPU per operation since the set-up: this process (benchmark and library, all threads) {clientCpu.TotalMicroseconds / per:F0} us{serverCpu}."));
        long retries = Interlocked.Read(ref _serializationRetries);
        if (retries > 0)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// Serialization retries: {retries} ({retries / per:F2} per operation), at most {Interlocked.Read(ref _maxAttempts)} attempts for one reservation."));
        }

        // What each command of an operation is for, and how long it took from send to reply
        // (EF Core's own measure: the database's work plus waiting for locks and for the CPU).
        Console.WriteLine("// Commands by purpose: " + string.Join("; ", _kinds.OrderByDescending(p => p.Value.Count).Select(p => string.Create(
            CultureInfo.InvariantCulture,
            $"{p.Key} {p.Value.Count / per:F2}/op, {TimeSpan.FromTicks(Interlocked.Read(ref p.Value.Ticks)).TotalMilliseconds / Math.Max(1, p.Value.Count):F2} ms each"))) + ".");
        Console.WriteLine(_failures.IsEmpty
            ? "// Failed commands: none."
            : "// Failed commands: " + string.Join("; ", _failures.OrderByDescending(p => p.Value).Select(p => $"{p.Value} x {p.Key}")));
        Console.WriteLine(_warnings.IsEmpty
            ? "// Warnings logged: none."
            : "// Warnings logged: " + string.Join("; ", _warnings.OrderByDescending(p => p.Value).Select(p => $"{p.Value} x {p.Key}")));
    }

    // Commands.
    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count(command);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Count(command);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Count(command);
        return result;
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Timed(command, eventData.Duration);
        return result;
    }

    public ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Timed(command, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Timed(command, eventData.Duration);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Timed(command, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => CountFailure(eventData.Exception);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CountFailure(eventData.Exception);
        return Task.CompletedTask;
    }

    // Transactions.
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Interlocked.Increment(ref _transactions);
        TimedBegin(eventData.Duration);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _transactions);
        TimedBegin(eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref _rollbacks);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _rollbacks);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => CountFailure(eventData.Exception);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CountFailure(eventData.Exception);
        return Task.CompletedTask;
    }

    // Logging: warnings and errors only.
    public ILogger CreateLogger(string categoryName) => new CountingLogger(this, categoryName);

    public void Dispose()
    {
        // A process-wide singleton shared by every container; nothing to release.
    }

    private static string Describe(Exception exception) => exception switch
    {
        PostgresException postgres => $"PostgresException {postgres.SqlState} ({postgres.MessageText})",
        SqliteException sqlite => $"SqliteException {sqlite.SqliteErrorCode}/{sqlite.SqliteExtendedErrorCode} ({sqlite.Message})",
        _ when exception.InnerException is { } inner => $"{exception.GetType().Name} <- {Describe(inner)}",
        _ => $"{exception.GetType().Name} ({exception.Message})",
    };

    private void Count(DbCommand command)
    {
        Interlocked.Increment(ref _commands);
        // The lock rows' table (not customercraft_budget_charges): creating and locking budget rows.
        if (command.CommandText.Contains("customercraft_budgets ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _budgetLockRoundTrips);
        }
    }

    /// <summary>What a command is for, from its text (the stores' SQL as shipped).</summary>
    internal static string Purpose(string sql) =>
        sql.Contains("customercraft_reserve", StringComparison.Ordinal) ? "reserve (function)"
        : sql.Contains("INSERT INTO customercraft_decisions", StringComparison.Ordinal) || sql.Contains("INSERT INTO \"customercraft_decisions\"", StringComparison.Ordinal) ? "decision-log insert"
        : sql.Contains("INSERT INTO customercraft_grants", StringComparison.Ordinal) || sql.Contains("INSERT INTO \"customercraft_grants\"", StringComparison.Ordinal) ? "grant and charges insert"
        : sql.Contains("INSERT INTO \"customercraft_budget_charges\"", StringComparison.Ordinal) ? "charges insert"
        : sql.Contains("SUM(amount_units)", StringComparison.Ordinal) ? "usage sums"
        : sql.Contains("customercraft_budgets ", StringComparison.Ordinal) ? "budget lock rows"
        : sql.Contains("idempotency_key", StringComparison.Ordinal) && sql.TrimStart().StartsWith("SELECT", StringComparison.Ordinal) ? "grant by idempotency key"
        : sql.TrimStart().StartsWith("PRAGMA", StringComparison.Ordinal) ? "pragma"
        : "other: " + sql[..Math.Min(40, sql.Length)].ReplaceLineEndings(" ");

    private void Timed(DbCommand command, TimeSpan duration)
    {
        CommandKind kind = _kinds.GetOrAdd(Purpose(command.CommandText), static _ => new CommandKind());
        Interlocked.Increment(ref kind.Count);
        Interlocked.Add(ref kind.Ticks, duration.Ticks);
        if (duration >= StallThreshold)
        {
            Interlocked.Increment(ref _stalls);
            Interlocked.Add(ref _stallTicks, duration.Ticks);
        }
    }

    private void TimedBegin(TimeSpan duration)
    {
        if (duration >= StallThreshold)
        {
            Interlocked.Increment(ref _beginStalls);
            Interlocked.Add(ref _beginStallTicks, duration.Ticks);
        }
    }

    /// <summary>Commands of one purpose: how many, and their time in all.</summary>
    private sealed class CommandKind
    {
        public long Count;
        public long Ticks;
    }

    private sealed class CountingLogger(StorageDiagnostics owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string key = $"{logLevel} {category}/{eventId.Name ?? eventId.Id.ToString(CultureInfo.InvariantCulture)}"
                + (exception is null ? "" : $" [{Describe(exception)}]");
            owner._warnings.AddOrUpdate(key, 1, static (_, n) => n + 1);
        }
    }
}

/// <summary>
/// The reservation written with raw Npgsql commands, for comparison only (the benchmark project's
/// own ledger, not the package's); reads, look-ups and voids are the shipped ledger's. Two
/// strategies:
/// <list type="bullet">
/// <item><b>Row locks</b> (<c>serializable: false</c>): the shipped PostgreSQL algorithm step for
/// step. READ COMMITTED; in one round trip (a batch of two statements), create the budgets' rows
/// that do not exist yet (<c>INSERT ... ON CONFLICT DO NOTHING</c>, keys in ordinal order) and lock
/// one row per budget (<c>SELECT ... ORDER BY ... COLLATE "C" FOR UPDATE</c>); check the
/// idempotency key, sum every window, check the limits, insert the grant and its charges,
/// commit.</item>
/// <item><b>Serializable</b> (<c>serializable: true</c>): the same transaction under SERIALIZABLE
/// isolation with no budget rows and no locks. PostgreSQL's serializable snapshot isolation aborts
/// one of two reservations that read and extend the same windows (SQLSTATE 40001); the loser is
/// retried after a short random pause.</item>
/// </list>
/// </summary>
internal sealed class StorageRawLedger(IBudgetLedger shipped, IDbContextFactory<CustomerCraftDbContext> contexts, bool serializable) : IBudgetLedger
{
    private const int MaxAttempts = 100;

    /// <summary>Replaces the registered <see cref="IBudgetLedger"/> (the package's) by this one wrapped around it.</summary>
    public static void Register(IServiceCollection services, bool serializable)
    {
        ServiceDescriptor shippedDescriptor = services.Last(d => d.ServiceType == typeof(IBudgetLedger));
        Type shippedType = shippedDescriptor.ImplementationType
            ?? throw new InvalidOperationException("The package's ledger is expected to be registered by type.");
        services.AddSingleton(shippedType);
        services.Replace(ServiceDescriptor.Singleton<IBudgetLedger>(sp => new StorageRawLedger(
            (IBudgetLedger)sp.GetRequiredService(shippedType),
            sp.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>(),
            serializable)));
    }

    public ValueTask ReadUsageAsync(ReadOnlyMemory<BudgetQuery> queries, Memory<BudgetUsage> usage, CancellationToken cancellationToken = default) =>
        shipped.ReadUsageAsync(queries, usage, cancellationToken);

    public ValueTask<GrantRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        shipped.FindByIdempotencyKeyAsync(idempotencyKey, cancellationToken);

    public ValueTask<GrantRecord?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default) =>
        shipped.FindGrantAsync(grantId, cancellationToken);

    public ValueTask<GrantRecord?> VoidAsync(string grantId, DateTimeOffset voidedAt, string reason, CancellationToken cancellationToken = default) =>
        shipped.VoidAsync(grantId, voidedAt, reason, cancellationToken);

    public async ValueTask<ReservationResult> TryReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        GrantRecord grant = reservation.Grant;
        IReadOnlyList<BudgetCharge> charges = reservation.Charges;
        StorageDiagnostics diagnostics = StorageDiagnostics.Instance;
        await using CustomerCraftDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        for (int attempt = 1; ; attempt++)
        {
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(serializable ? IsolationLevel.Serializable : IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            diagnostics.CountTransaction();
            try
            {
                if (!serializable)
                {
                    await LockBudgetsAsync(connection, transaction, charges, cancellationToken).ConfigureAwait(false);
                }

                if (await KeyTakenAsync(connection, transaction, grant.IdempotencyKey, cancellationToken).ConfigureAwait(false))
                {
                    await RollbackAsync(transaction).ConfigureAwait(false);
                    diagnostics.CountRollback();
                    return await DuplicateAsync(grant, cancellationToken).ConfigureAwait(false);
                }

                (long Units, long Count)[] usage = await SumWindowsAsync(connection, transaction, charges, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < charges.Count; i++)
                {
                    BudgetCharge charge = charges[i];
                    decimal used = usage[i].Units / 10_000m;
                    if ((charge.AmountLimit is decimal amountLimit && used + grant.Amount > amountLimit)
                        || (charge.CountLimit is int countLimit && usage[i].Count + 1 > countLimit))
                    {
                        await RollbackAsync(transaction).ConfigureAwait(false);
                        diagnostics.CountRollback();
                        return new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: charge.Key);
                    }
                }

                await InsertAsync(connection, transaction, grant, charges, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                diagnostics.CountAttempts(attempt);
                return new ReservationResult(ReservationStatus.Reserved);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected && attempt < MaxAttempts)
            {
                diagnostics.CountSerializationRetry(ex.SqlState);
                await RollbackAsync(transaction).ConfigureAwait(false);
                // A short random pause, growing with the attempts, so that the losers of one
                // conflict do not collide again at once.
                await Task.Delay(Random.Shared.Next(0, Math.Min(attempt, 8) + 1), cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await RollbackAsync(transaction).ConfigureAwait(false);
                diagnostics.CountRollback();
                return await DuplicateAsync(grant, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Rolls back, unless the failure was the COMMIT itself, which already ended the transaction.</summary>
    private static async Task RollbackAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // "This NpgsqlTransaction has completed": the serialization failure was raised by COMMIT.
        }
    }

    private async Task<ReservationResult> DuplicateAsync(GrantRecord grant, CancellationToken cancellationToken)
    {
        GrantRecord existing = await shipped.FindByIdempotencyKeyAsync(grant.IdempotencyKey, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Idempotency key '{grant.IdempotencyKey}' conflicted but no grant holds it.");
        return string.Equals(existing.GrantId, grant.GrantId, StringComparison.Ordinal)
            ? new ReservationResult(ReservationStatus.Reserved)
            : new ReservationResult(ReservationStatus.DuplicateIdempotencyKey, existing);
    }

    /// <summary>
    /// The budget keys as (scope, subject, action) parameters, <c>($1, $2, $3), ($4, $5, $6), ...</c>,
    /// in <paramref name="keys"/>' order.
    /// </summary>
    private static string KeyTuples(NpgsqlParameterCollection parameters, (int Scope, string SubjectId, string Action)[] keys)
    {
        var sql = new StringBuilder();
        for (int i = 0; i < keys.Length; i++)
        {
            int p = (i * 3) + 1;
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(${p}, ${p + 1}, ${p + 2})");
            parameters.Add(new NpgsqlParameter { Value = keys[i].Scope });
            parameters.Add(new NpgsqlParameter { Value = keys[i].SubjectId });
            parameters.Add(new NpgsqlParameter { Value = keys[i].Action });
        }

        return sql.ToString();
    }

    /// <summary>
    /// As the shipped ledger: creates the missing budget rows and locks all of them in one round
    /// trip, both statements visiting the keys in one global (ordinal) order. Positional parameters
    /// allow one statement per command, so the two go as one <see cref="NpgsqlBatch"/>, which is what
    /// Npgsql sends for the shipped ledger's two-statement command too.
    /// </summary>
    private static async Task LockBudgetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken)
    {
        var keys = new (int Scope, string SubjectId, string Action)[charges.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = ((int)charges[i].Key.Scope, charges[i].Key.SubjectId, charges[i].Key.Action.ToLowerInvariant());
        }

        Array.Sort(keys, static (a, b) =>
            a.Scope != b.Scope ? a.Scope.CompareTo(b.Scope)
            : string.CompareOrdinal(a.SubjectId, b.SubjectId) is int bySubject and not 0 ? bySubject
            : string.CompareOrdinal(a.Action, b.Action));

        StorageDiagnostics.Instance.CountCommand();
        StorageDiagnostics.Instance.CountBudgetLockRoundTrip();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insert = new NpgsqlBatchCommand();
        insert.CommandText = "INSERT INTO customercraft_budgets (scope, subject_id, action) VALUES " + KeyTuples(insert.Parameters, keys) + " ON CONFLICT DO NOTHING";
        var select = new NpgsqlBatchCommand();
        select.CommandText = "SELECT scope FROM customercraft_budgets WHERE (scope, subject_id, action) IN (" + KeyTuples(select.Parameters, keys) + ") " +
            "ORDER BY scope, subject_id COLLATE \"C\", action COLLATE \"C\" FOR UPDATE";
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(select);
        int locked = 0;
        await using (NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            // The INSERT returns no rows: the reader starts on the SELECT's.
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                locked++;
            }
        }

        if (locked != keys.Length)
        {
            throw new InvalidOperationException($"Locked {locked} of the reservation's {keys.Length} budgets.");
        }
    }

    private static async Task<bool> KeyTakenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, CancellationToken cancellationToken)
    {
        StorageDiagnostics.Instance.CountCommand();
        await using var command = new NpgsqlCommand("SELECT 1 FROM customercraft_grants WHERE idempotency_key = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The shipped ledger's window sums: one indexed range per budget, joined by UNION ALL.</summary>
    private static async Task<(long Units, long Count)[]> SumWindowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken)
    {
        StorageDiagnostics.Instance.CountCommand();
        var sql = new StringBuilder();
        await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        for (int i = 0; i < charges.Count; i++)
        {
            int p = (i * 4) + 1;
            sql.Append(i == 0 ? "" : " UNION ALL ").Append(CultureInfo.InvariantCulture,
                $"SELECT {i}, CAST(COALESCE(SUM(amount_units), 0) AS BIGINT), COUNT(*) FROM customercraft_budget_charges WHERE scope = ${p} AND subject_id = ${p + 1} AND action = ${p + 2} AND at_ticks >= ${p + 3} AND NOT voided");
            command.Parameters.Add(new NpgsqlParameter { Value = (int)charges[i].Key.Scope });
            command.Parameters.Add(new NpgsqlParameter { Value = charges[i].Key.SubjectId });
            command.Parameters.Add(new NpgsqlParameter { Value = charges[i].Key.Action.ToLowerInvariant() });
            command.Parameters.Add(new NpgsqlParameter { Value = charges[i].Since.UtcTicks });
        }

        command.CommandText = sql.ToString();
        var usage = new (long Units, long Count)[charges.Count];
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            usage[reader.GetInt32(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return usage;
    }

    /// <summary>The grant row and its charge rows, in one batch, as the shipped ledger's SaveChanges writes them.</summary>
    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, GrantRecord grant, IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken)
    {
        StorageDiagnostics.Instance.CountCommand();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insertGrant = new NpgsqlBatchCommand(
            "INSERT INTO customercraft_grants (grant_id, idempotency_key, agent_id, role, customer_id, incident_id, action, amount, currency, requested_amount, requested_currency, approver_id, approver_role, context_fingerprint, granted_at, granted_at_ticks, voided_at, voided_at_ticks, void_reason) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, NULL, NULL, NULL)");
        object?[] values =
        [
            grant.GrantId, grant.IdempotencyKey, grant.AgentId, grant.Role, grant.CustomerId, grant.IncidentId, grant.Action,
            grant.Amount, grant.Currency, grant.RequestedAmount, grant.RequestedCurrency, grant.ApproverId, grant.ApproverRole,
            grant.ContextFingerprint, grant.GrantedAt.ToUniversalTime(), grant.GrantedAt.UtcTicks,
        ];
        foreach (object? value in values)
        {
            insertGrant.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar } : new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(insertGrant);
        long units = decimal.ToInt64(grant.Amount * 10_000m);
        for (int i = 0; i < charges.Count; i++)
        {
            var insertCharge = new NpgsqlBatchCommand(
                "INSERT INTO customercraft_budget_charges (grant_id, ordinal, scope, subject_id, action, at_ticks, amount_units, voided) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE)");
            insertCharge.Parameters.Add(new NpgsqlParameter { Value = grant.GrantId });
            insertCharge.Parameters.Add(new NpgsqlParameter { Value = i });
            insertCharge.Parameters.Add(new NpgsqlParameter { Value = (int)charges[i].Key.Scope });
            insertCharge.Parameters.Add(new NpgsqlParameter { Value = charges[i].Key.SubjectId });
            insertCharge.Parameters.Add(new NpgsqlParameter { Value = charges[i].Key.Action.ToLowerInvariant() });
            insertCharge.Parameters.Add(new NpgsqlParameter { Value = grant.GrantedAt.UtcTicks });
            insertCharge.Parameters.Add(new NpgsqlParameter { Value = units });
            batch.BatchCommands.Add(insertCharge);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// The CPU time a PostgreSQL server running on this machine has used (its postmaster, the live
/// backends and those already gone), read from /proc; <see langword="null"/> where there is none
/// or it cannot be read. For the storage diagnostics' client/server split.
/// </summary>
internal static class LocalPostgresCpu
{
    private static readonly int? s_postmaster = Find();

    public static TimeSpan? Read()
    {
        if (s_postmaster is not int postmaster)
        {
            return null;
        }

        try
        {
            // utime, stime, and for the postmaster the reaped children's cutime and cstime.
            long ticks = Fields(postmaster) is { } own ? own[11] + own[12] + own[13] + own[14] : 0;
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out int pid) && pid != postmaster && Fields(pid) is { } f && f[1] == postmaster)
                {
                    ticks += f[11] + f[12];
                }
            }

            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ on Linux
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The oldest process named postgres whose parent is not one.</summary>
    private static int? Find()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc").OrderBy(d => d.Length).ThenBy(d => d, StringComparer.Ordinal))
            {
                if (int.TryParse(Path.GetFileName(dir), out int pid) && Comm(pid) == "postgres" && Fields(pid) is { } f && Comm((int)f[1]) != "postgres")
                {
                    return pid;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The fields of /proc/pid/stat after the command name (index 0 is the state, 1 the parent, 11 to 14 utime, stime, cutime, cstime).</summary>
    private static long[]? Fields(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        string[] parts = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var fields = new long[15];
        for (int i = 1; i < fields.Length; i++)
        {
            fields[i] = long.Parse(parts[i], CultureInfo.InvariantCulture);
        }

        return fields;
    }
}

/// <summary>
/// With <c>CUSTOMERCRAFT_BENCH_SQLITE_SYNCHRONOUS</c> set (e.g. <c>NORMAL</c>), runs
/// <c>PRAGMA synchronous = value</c> on every SQLite connection EF Core opens, as a host that
/// chooses that durability would (docs/storage.md): in WAL mode, NORMAL commits without waiting
/// for the disk (a power loss may undo the last commits; the file stays consistent).
/// </summary>
internal sealed class SqliteSynchronous : DbConnectionInterceptor
{
    public const string Variable = "CUSTOMERCRAFT_BENCH_SQLITE_SYNCHRONOUS";

    public static readonly SqliteSynchronous Instance = new();

    public static string? Setting { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? (value.All(char.IsAsciiLetterOrDigit) ? value : throw new InvalidOperationException($"{Variable} must be a word such as NORMAL or FULL."))
        : null;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using DbCommand command = connection.CreateCommand();
#pragma warning disable CA2100 // A word checked above.
        command.CommandText = $"PRAGMA synchronous = {Setting};";
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }
}
