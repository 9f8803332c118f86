using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Escalation;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace CustomerCraft.EntityFrameworkCore.Tests;

public class RegistrationTests
{
    [Fact]
    public async Task One_call_replaces_every_in_memory_store()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        using TestHost host = db.Host();

        host.Services.GetRequiredService<IBudgetLedger>().GetType().Name.Should().StartWith("EntityFrameworkBudgetLedger");
        host.Services.GetRequiredService<IDecisionLog>().GetType().Name.Should().StartWith("EntityFrameworkDecisionLog");
        host.Services.GetRequiredService<ICaseStore>().GetType().Name.Should().StartWith("EntityFrameworkCaseStore");
    }

    [Fact]
    public async Task A_host_context_with_the_model_applied_keeps_its_own_tables_beside_ours()
    {
        string file = Path.Combine(Path.GetTempPath(), $"customercraft-host-{Guid.NewGuid():N}.db");
        try
        {
            using TestHost host = EscalationFixtures.Build(configure: builder =>
            {
                builder.Services.AddDbContextFactory<HostContext>(o => o.UseSqlite($"Data Source={file}"));
                builder.AddEntityFrameworkStores<HostContext>();
            });
            await using (HostContext context = await host.Services.GetRequiredService<IDbContextFactory<HostContext>>().CreateDbContextAsync())
            {
                await context.Database.EnsureCreatedAsync();
                context.Tickets.Add(new Ticket { Id = "T-1", Title = "Broken blender" });
                await context.SaveChangesAsync();
            }

            (await host.Authority.GrantAsync(PolicyFixtures.Refund(40m, key: "k"))).IsGranted.Should().BeTrue();
            await host.Workflow().OpenAsync("case-1");

            await using HostContext check = await host.Services.GetRequiredService<IDbContextFactory<HostContext>>().CreateDbContextAsync();
            (await check.Tickets.SingleAsync()).Title.Should().Be("Broken blender");
            (await check.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM customercraft_grants").SingleAsync()).Should().Be(1);
            (await check.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM customercraft_cases").SingleAsync()).Should().Be(1);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Migrating_validates_the_configuration_before_the_database_is_created()
    {
        string file = Path.Combine(Path.GetTempPath(), $"customercraft-invalid-{Guid.NewGuid():N}.db");
        Dictionary<string, string?> settings = EscalationFixtures.Ladder();
        settings["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "-1";
        settings["CustomerCraft:Empowerment:Currency"] = "XYZ";
        var services = new ServiceCollection();
        services.AddCustomerCraft(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("CustomerCraft"))
            .AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={file}"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        Func<Task> migrate = () => provider.MigrateCustomerCraftDatabaseAsync();

        OptionsValidationException error = (await migrate.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Failures.Should().HaveCountGreaterThanOrEqualTo(2).And.Contain(f => f.Contains("Rank", StringComparison.Ordinal)).And.Contain(f => f.Contains("XYZ", StringComparison.Ordinal));
        File.Exists(file).Should().BeFalse("nothing may be created for a host whose configuration is wrong");
    }

    [Fact]
    public async Task Opening_a_case_whose_id_exists_logs_no_database_error()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        var logs = new FakeLogCollector();
        using TestHost host = db.Host(customize: builder => builder.Services.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs))));
        await host.Workflow().OpenAsync("case-1");

        Func<Task> again = async () => await host.Workflow().OpenAsync("case-1");

        await again.Should().ThrowAsync<CaseAlreadyExistsException>();
        logs.GetSnapshot().Should().NotContain(r => r.Level >= LogLevel.Warning, "a taken id is the caller's mistake, answered before any INSERT fails");
    }

    [Fact]
    public void A_host_context_registered_without_a_factory_is_named_at_start_up()
    {
        Action build = () => EscalationFixtures.Build(configure: builder =>
        {
            builder.Services.AddDbContext<HostContext>(o => o.UseSqlite("Data Source=:memory:"));
            builder.AddEntityFrameworkStores<HostContext>();
        });

        build.Should().Throw<AggregateException>().WithMessage("*IDbContextFactory*HostContext*");
    }

    [Fact]
    public async Task Sqlite_connections_wait_for_the_write_lock_inside_the_engine()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        using TestHost host = db.Host();
        await using CustomerCraftDbContext context = await host.Services.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>().CreateDbContextAsync();
        await context.Database.OpenConnectionAsync();

        // TestDatabase sets Default Timeout=60: the busy timeout follows it.
        (await context.Database.SqlQueryRaw<int>("PRAGMA busy_timeout").ToListAsync()).Should().Equal(60_000);
    }

    [Fact]
    public async Task A_host_context_gets_the_busy_timeout_too()
    {
        using TestHost host = EscalationFixtures.Build(configure: builder =>
        {
            builder.Services.AddDbContextFactory<HostContext>(o => o.UseSqlite("Data Source=:memory:"));
            builder.AddEntityFrameworkStores<HostContext>();
        });
        await using HostContext context = await host.Services.GetRequiredService<IDbContextFactory<HostContext>>().CreateDbContextAsync();
        await context.Database.OpenConnectionAsync();

        (await context.Database.SqlQueryRaw<int>("PRAGMA busy_timeout").ToListAsync()).Should().Equal(30_000);
    }

    [Fact]
    public async Task Migrating_an_sqlite_file_turns_on_write_ahead_logging()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using CustomerCraftDbContext context = db.OpenContext();

        (await context.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync()).Should().Equal("wal");
    }

    [Fact]
    public async Task A_provider_the_stores_were_not_written_for_is_refused_by_every_store_by_name()
    {
        using TestHost host = EscalationFixtures.Build(configure: builder => builder.AddEntityFrameworkStores(o => o.UseInMemoryDatabase("unsupported")));
        const string Refusal = "*SQLite*PostgreSQL*'Microsoft.EntityFrameworkCore.InMemory'*";

        Func<Task> grant = async () => await host.Authority.GrantAsync(PolicyFixtures.Refund(10m, key: "k"));
        Func<Task> find = async () => await host.Store().FindAsync("case-1");
        Func<Task> read = async () => await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).ToListAsync();
        Func<Task> migrate = () => host.Services.MigrateCustomerCraftDatabaseAsync();

        await grant.Should().ThrowAsync<NotSupportedException>().WithMessage(Refusal);
        await find.Should().ThrowAsync<NotSupportedException>().WithMessage(Refusal);
        await read.Should().ThrowAsync<NotSupportedException>().WithMessage(Refusal);
        await migrate.Should().ThrowAsync<NotSupportedException>().WithMessage(Refusal);
    }

    [Fact]
    public async Task Migrating_without_the_stores_registered_says_what_is_missing()
    {
        using TestHost host = EscalationFixtures.Build();

        Func<Task> migrate = () => host.Services.MigrateCustomerCraftDatabaseAsync();

        await migrate.Should().ThrowAsync<InvalidOperationException>().WithMessage("*AddEntityFrameworkStores*");
    }

    [Fact]
    public async Task Identifiers_longer_than_the_schema_keeps_are_refused_by_name()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        using TestHost host = db.Host();
        string longId = new('x', 129);

        Func<Task> grant = async () => await host.Authority.GrantAsync(PolicyFixtures.Refund(10m, customer: longId, key: "k"));
        Func<Task> open = async () => await host.Workflow().OpenAsync(new OpenCaseRequest { CaseId = longId, CustomerId = "C-1", Owner = EscalationFixtures.Ana });

        (await grant.Should().ThrowAsync<ArgumentException>()).WithMessage("*CustomerId is 129 characters long*at most 128*");
        (await open.Should().ThrowAsync<ArgumentException>()).WithMessage("SupportCase.Id is 129 characters long*");
    }

    [Fact]
    public async Task On_sqlite_a_transaction_takes_the_write_lock_when_it_begins()
    {
        // Reservations rely on this: two instances cannot both read a budget's usage and then
        // both write; the second waits at BEGIN until the first commits.
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using CustomerCraftDbContext first = db.OpenContext();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();

        await using var second = new SqliteConnection(new SqliteConnectionStringBuilder(db.ConnectionString) { DefaultTimeout = 1 }.ConnectionString);
        await second.OpenAsync();
        Action begin = () => second.BeginTransaction();

        begin.Should().Throw<SqliteException>().Which.SqliteErrorCode.Should().Be(5, "SQLITE_BUSY: the first transaction holds the write lock");
    }

    private sealed class HostContext(DbContextOptions<HostContext> options) : DbContext(options)
    {
        public DbSet<Ticket> Tickets => Set<Ticket>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyCustomerCraftModel();
    }

    private sealed class Ticket
    {
        public string Id { get; set; } = "";

        public string Title { get; set; } = "";
    }
}
