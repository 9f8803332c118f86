using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CustomerCraft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CustomerCraft.Samples.QuickStart;

/// <summary>Where the quick start keeps its budgets, grants, decision log and cases.</summary>
public enum QuickStartStoreKind
{
    /// <summary>CustomerCraft's in-memory stores (the default): gone when the process ends.</summary>
    Memory,

    /// <summary>An SQLite file, recreated at every run.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database dedicated to the quick start, emptied at every run.</summary>
    Postgres,
}

/// <summary>
/// The quick start's store switch, read from configuration, so from the command line too:
/// <c>--store memory|sqlite|postgres</c> (key <c>QuickStart:Store</c>, default memory), <c>--database &lt;file&gt;</c>
/// (key <c>QuickStart:Database</c>: the SQLite file, default <c>customercraft-quickstart.db</c> in the current
/// directory) and <c>--connection "&lt;Npgsql connection string&gt;"</c> (key <c>QuickStart:Connection</c>).
/// The scenarios use fixed ids, keys and a fixed clock, so a second run on the same data would find
/// its cases already open and its idempotency keys already used: every durable run starts from a
/// clean slate, and says so. An SQLite file is deleted and made again, but only a file the quick
/// start made (it marks its files); a PostgreSQL database must be the quick start's own (its name
/// contains "quickstart"), and the rows of its customercraft_* tables are deleted.
/// </summary>
public sealed class QuickStartStore
{
    /// <summary>The configuration key of the store: memory, sqlite or postgres.</summary>
    public const string StoreKey = "QuickStart:Store";

    /// <summary>The configuration key of the SQLite file.</summary>
    public const string DatabaseKey = "QuickStart:Database";

    /// <summary>The configuration key of the PostgreSQL connection string.</summary>
    public const string ConnectionKey = "QuickStart:Connection";

    /// <summary>
    /// Maps the command-line switches to the keys, which live under <c>QuickStart</c> so that an
    /// environment variable only changes the store when it says so (<c>QuickStart__Store</c>).
    /// </summary>
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>
    {
        ["--store"] = StoreKey,
        ["--database"] = DatabaseKey,
        ["--connection"] = ConnectionKey,
    };

    /// <summary>The SQLite file when <c>--database</c> is not given, in the current directory.</summary>
    public const string DefaultSqliteFile = "customercraft-quickstart.db";

    // Every SQLite file the quick start makes carries this in its header (PRAGMA application_id, "CCqs"),
    // so a later run deletes its own files and nothing else.
    private const int SqliteApplicationId = 1128493427;
    private const string StampSqliteFile = "PRAGMA application_id = 1128493427;";

    // Children before parents (the foreign keys), in one transaction.
    private const string DeleteQuickStartRows = """
        DELETE FROM customercraft_case_events;
        DELETE FROM customercraft_cases;
        DELETE FROM customercraft_budget_charges;
        DELETE FROM customercraft_grants;
        DELETE FROM customercraft_budgets;
        DELETE FROM customercraft_decisions;
        """;

    private readonly string? _connectionString;
    private readonly NpgsqlConnectionStringBuilder? _postgres;

    private QuickStartStore(QuickStartStoreKind kind, string? connectionString, string? sqliteFile, NpgsqlConnectionStringBuilder? postgres)
    {
        Kind = kind;
        _connectionString = connectionString;
        SqliteFile = sqliteFile;
        _postgres = postgres;
    }

    /// <summary>The store chosen.</summary>
    public QuickStartStoreKind Kind { get; }

    /// <summary>Whether the stores are in a database (SQLite or PostgreSQL) rather than in memory.</summary>
    public bool IsDurable => Kind != QuickStartStoreKind.Memory;

    /// <summary>The full path of the SQLite file, for <see cref="QuickStartStoreKind.Sqlite"/>.</summary>
    public string? SqliteFile { get; }

    /// <summary>
    /// Reads and checks <c>Store</c>, <c>Database</c> and <c>Connection</c> from
    /// <paramref name="configuration"/>; on a bad value returns false with a message saying what to do.
    /// </summary>
    public static bool TryFrom(IConfiguration configuration, [NotNullWhen(true)] out QuickStartStore? store, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        store = null;
        string name = configuration[StoreKey]?.Trim() ?? string.Empty;
        if (name.Length == 0 || name.Equals("memory", StringComparison.OrdinalIgnoreCase))
        {
            store = new QuickStartStore(QuickStartStoreKind.Memory, null, null, null);
        }
        else if (name.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            string file = Path.GetFullPath(configuration[DatabaseKey] is { Length: > 0 } path ? path : DefaultSqliteFile);
            if (NotAQuickStartFile(file) is { } refusal)
            {
                problem = refusal;
                return false;
            }

            string connectionString = new SqliteConnectionStringBuilder { DataSource = file }.ConnectionString;
            store = new QuickStartStore(QuickStartStoreKind.Sqlite, connectionString, file, null);
        }
        else if (name.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParsePostgres(configuration[ConnectionKey], out NpgsqlConnectionStringBuilder? postgres, out problem))
            {
                return false;
            }

            store = new QuickStartStore(QuickStartStoreKind.Postgres, postgres.ConnectionString, null, postgres);
        }
        else
        {
            problem = $"Unknown store '{name}' (configuration key {StoreKey}: --store, or the QuickStart__Store environment variable): the quick start runs on memory (the default), sqlite or postgres.";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// Points the EF Core stores at the database: <c>o.UseSqlite("Data Source=...")</c> or
    /// <c>o.UseNpgsql(connectionString)</c>. For <c>AddEntityFrameworkStores</c>.
    /// </summary>
    public void UseDatabase(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = Kind switch
        {
            QuickStartStoreKind.Sqlite => options.UseSqlite(_connectionString),
            QuickStartStoreKind.Postgres => options.UseNpgsql(_connectionString),
            _ => throw new InvalidOperationException("The in-memory stores have no database."),
        };
    }

    /// <summary>
    /// For a durable store, a clean slate and the schema: deletes the SQLite file (and its -wal,
    /// -shm and -journal files) before <c>MigrateCustomerCraftDatabaseAsync()</c> makes it again;
    /// on PostgreSQL migrates, then deletes the rows of the customercraft_* tables. Says what it did
    /// on <paramref name="output"/>. Does nothing for the in-memory stores.
    /// </summary>
    public async Task PrepareAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        if (Kind == QuickStartStoreKind.Sqlite)
        {
            bool existed = await RecreateSqliteFileAsync(cancellationToken);
            await services.MigrateCustomerCraftDatabaseAsync(cancellationToken);
            output.WriteLine($"Using SQLite file {SqliteFile} ({(existed ? "recreated" : "created")} for this run)");
        }
        else if (Kind == QuickStartStoreKind.Postgres)
        {
            await services.MigrateCustomerCraftDatabaseAsync(cancellationToken);
            IDbContextFactory<CustomerCraftDbContext> contexts = services.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>();
            await using CustomerCraftDbContext context = await contexts.CreateDbContextAsync(cancellationToken);
            await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            int rows = await context.Database.ExecuteSqlRawAsync(DeleteQuickStartRows, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            output.WriteLine($"Using PostgreSQL database {PostgresWhere()}, dedicated to the quick start: deleted the {rows} row(s) earlier runs left in its customercraft_* tables");
        }
    }

    /// <summary>Says where this run's data is, and how to look at it.</summary>
    public void WriteWhereTheDataIs(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Kind switch
        {
            QuickStartStoreKind.Sqlite =>
                $"The grants, decisions and cases of this run are in {SqliteFile}; open it with sqlite3 to look: sqlite3 {Quote(SqliteFile!)} \"select * from customercraft_grants;\"",
            QuickStartStoreKind.Postgres =>
                $"The grants, decisions and cases of this run are in database {PostgresWhere()}; to look: psql -h {_postgres!.Host} -p {_postgres.Port} -U {_postgres.Username} -d {_postgres.Database} -c \"select * from customercraft_grants;\"",
            _ => "This run kept its grants, decisions and cases in memory; run with --store sqlite to keep them in a database file.",
        });
    }

    private static string? NotAQuickStartFile(string file)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ConnectionString);
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA application_id;";
            if (Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) == SqliteApplicationId)
            {
                return null;
            }
        }
        catch (SqliteException)
        {
            // Not an SQLite database at all.
        }

        return $"{file} exists and was not made by the quick start, so it is left alone; choose another file with --database <file> (the quick start deletes and recreates its file at every run).";
    }

    private static bool TryParsePostgres(string? connectionString, [NotNullWhen(true)] out NpgsqlConnectionStringBuilder? builder, [NotNullWhen(false)] out string? problem)
    {
        builder = null;
        const string Example = "--connection \"Host=localhost;Database=customercraft_quickstart;Username=...;Password=...\"";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            problem = $"--store postgres needs a connection string (configuration key {ConnectionKey}): {Example}.";
            return false;
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            problem = $"The --connection value is not an Npgsql connection string ({ex.Message}); for example {Example}.";
            return false;
        }

        if (parsed.Database is not { Length: > 0 } database || !database.Contains("quickstart", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"--store postgres deletes the rows of the customercraft_* tables at every run, so it needs a database of its own: "
                + $"name one whose name contains 'quickstart' in --connection (it names {(parsed.Database is { Length: > 0 } named ? $"'{named}'" : "none")}), "
                + "for example Database=customercraft_quickstart; it is created if the user may create databases.";
            return false;
        }

        builder = parsed;
        problem = null;
        return true;
    }

    private async Task<bool> RecreateSqliteFileAsync(CancellationToken cancellationToken)
    {
        string file = SqliteFile!;
        if (NotAQuickStartFile(file) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }

        // Pooled connections left by an earlier run in this process would go on using the deleted file.
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        bool existed = File.Exists(file);
        foreach (string suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(file + suffix);
        }

        // The mark first, so even a run that stops halfway leaves a file the next run may delete.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = StampSqliteFile;
        await command.ExecuteNonQueryAsync(cancellationToken);
        return existed;
    }

    private string PostgresWhere() => $"{_postgres!.Database} on {_postgres.Host}:{_postgres.Port}";

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
