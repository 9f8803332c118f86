using System.Text.RegularExpressions;
using CustomerCraft.Samples.QuickStart;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerCraft.Tests;

public partial class QuickStartTests
{
    [Fact]
    public async Task QuickStart_RunsToCompletion_WithTheOutcomesItPromises()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new SimulatedClock(QuickStartScenarios.Start));
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        using var output = new StringWriter();

        await QuickStartScenarios.RunAsync(provider, output);

        string text = output.ToString();
        text.Should().Contain("Refund 60 USD for C-1001 on T-501 -> ALLOWED");
        text.Should().Contain("Goodwill 1800 USD for C-1001 on T-502 -> ALLOWED");
        text.Should().Contain("Refund 400 USD for C-1001 on T-503 -> REQUIRES APPROVAL by TeamLead");
        text.Should().Contain("under TeamLead tara's authority");
        text.Should().Contain("-> DENIED").And.Contain("FraudSuspected: ReasonCodes FraudSuspected -> Deny");
        text.Should().Contain("Refund 20 USD for C-2002 on T-604 -> REQUIRES APPROVAL by SeniorAgent");
        text.Should().Contain("Refund 140 USD for C-3003 on T-701 -> ALLOWED");
        text.Should().Contain("same key, same request -> replayed");
        text.Should().Contain("IdempotencyConflictException");
        text.Should().Contain("refunds on T-501 after the retry: 60 USD of 100 USD used (charged once)");
        text.Should().Contain("Fri 17:40:00  Ana asks for approval -> AwaitingApproval at level 1 (the TeamLead queue); approval due Mon 09:10:00");
        text.Should().Contain("Fri 17:55:00  SlaWarning      sla   L1  Approval clock at level TeamLead (00:30:00 business hours): 50% of the target used");
        text.Should().Contain("Mon 09:02:30  SlaWarning");
        text.Should().Contain("Mon 09:10:00  SlaBreach       sla   L1  Approval clock at level TeamLead (00:30:00 business hours): target breached; the approval moves up");
        text.Should().Contain("Mon 09:15:00  deadlines processed: 0 warning(s), 1 breach(es) -> AwaitingApproval at level 2");
        text.Should().Contain("under Manager authority; the case is back with ana");
        text.Should().Contain("Mon 09:45:00  Resolve         ana   L0  Called the customer: refund of 400 USD on its way.");
        text.Should().Contain("Overall (of 100)         0!    100");
        text.Should().Contain("Paul, critical: PromiseBeyondAuthority in turn 4: promised Credit 300 USD");
        text.Should().Contain("tip: Instead of \"calm down\"");
        text.Should().Contain("nudge (OfferWithinAuthority): The customer's refund of 60 USD is within your authority");
        text.Should().Contain("CSAT 50% (share of 4 and 5 on 1-5), NPS 25 (9-10 minus 0-6, on 0-10), CES 5.0 (mean ease, 1-7)");
        text.Should().Contain("First contact resolution 75%");
        text.Should().MatchRegex(@"Refund\s+Agent\s+7\s+2 -> 0\s+2\s+0 -> 0\s+0 USD");

        // The text polish of issue 14: a title line, money one way, the "!" explained, a nudge
        // shown once and then as still open, no agent row without data, turnaround labelled as
        // wall-clock, and timeline lines that fit a terminal.
        string[] lines = text.Split(Environment.NewLine);
        lines[0].Should().StartWith("CustomerCraft quick start: twelve support scenarios");
        lines.Where(l => !l.TrimStart().StartsWith("Customer:", StringComparison.Ordinal) && !l.TrimStart().StartsWith("Agent:", StringComparison.Ordinal) && !l.Contains('"', StringComparison.Ordinal))
            .Should().NotContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\$\d"), "money is written as the library writes it, 100 USD (what people say aside)");
        text.Should().Contain("(! = a critical item failed, which sets the overall score to 0");
        lines.Count(l => l.Contains("nudge (AcknowledgeFeelings)", StringComparison.Ordinal)).Should().Be(1);
        text.Should().Contain("      still open: AcknowledgeFeelings");
        lines.Should().NotContain(l => l.TrimStart().StartsWith("ana ", StringComparison.Ordinal) && l.Contains("CSAT", StringComparison.Ordinal));
        text.Should().Contain("on the wall clock from request to decision");
        lines.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\. (Fri|Mon) ")).Should().OnlyContain(l => l.Length <= 180, "the request line was 300 characters; a line now holds one clause of the decision and the note");
    }

    [Fact]
    public async Task QuickStart_OnAnSqliteFile_PrintsWhatItPrintsInMemory_AndKeepsTheGrantsInTheFile()
    {
        string file = Path.Combine(Path.GetTempPath(), $"customercraft-quickstart-{Guid.NewGuid():N}.db");
        try
        {
            QuickStartRun inMemory = await RunQuickStartAsync();
            QuickStartRun first = await RunQuickStartAsync("--store", "sqlite", "--database", file);
            // Fixed ids and a fixed clock: only the clean slate lets a second run on the same file print the same.
            QuickStartRun second = await RunQuickStartAsync("--store", "sqlite", "--database", file);

            inMemory.StoreLines.Should().Equal("This run kept its grants, decisions and cases in memory; run with --store sqlite to keep them in a database file.");
            first.StoreLines.Should().HaveCount(2);
            first.StoreLines[0].Should().Be($"Using SQLite file {file} (created for this run)");
            first.StoreLines[1].Should().StartWith($"The grants, decisions and cases of this run are in {file}; open it with sqlite3 to look:");
            second.StoreLines[0].Should().Be($"Using SQLite file {file} (recreated for this run)");
            // Grant ids are random (time-ordered UUIDs): compare them by where they first appear.
            WithoutIds(first.Scenarios).Should().Be(WithoutIds(inMemory.Scenarios));
            WithoutIds(second.Scenarios).Should().Be(WithoutIds(inMemory.Scenarios));

            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            var grantIds = new List<string>();
            await using (SqliteCommand command = connection.CreateCommand())
            {
                command.CommandText = "select grant_id from customercraft_grants;";
                await using SqliteDataReader reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    grantIds.Add(reader.GetString(0));
                }
            }

            // Ana's two grants, Ben's three, Gina's refund and Maya's approval: the second run's, and only those.
            grantIds.Should().HaveCount(7);
            Ids(second.Scenarios).Should().NotBeEmpty().And.BeSubsetOf(grantIds);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (string suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(file + suffix);
            }
        }
    }

    [Theory]
    [InlineData("mysql")]
    [InlineData("sqlserver")]
    public void QuickStart_RefusesAnUnknownStore_NamingItAndTheStoresItKnows(string name)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(["--store", name], QuickStartStore.SwitchMappings).Build();

        QuickStartStore.TryFrom(configuration, out QuickStartStore? store, out string? problem).Should().BeFalse();

        store.Should().BeNull();
        problem.Should().Contain($"Unknown store '{name}'").And.Contain("memory").And.Contain("sqlite").And.Contain("postgres");
    }

    [Theory]
    [InlineData(null, "needs a connection string")]
    [InlineData("Host=localhost;Database=postgres;Username=me", "it names 'postgres'")]
    [InlineData("Host=localhost;Username=me", "it names none")]
    public void QuickStart_OnPostgres_WantsADatabaseOfItsOwn(string? connection, string expected)
    {
        var settings = new Dictionary<string, string?> { [QuickStartStore.StoreKey] = "postgres", [QuickStartStore.ConnectionKey] = connection };
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        QuickStartStore.TryFrom(configuration, out _, out string? problem).Should().BeFalse();

        problem.Should().Contain(expected);
    }

    [Fact]
    public void QuickStart_LeavesAFileItDidNotMakeAlone()
    {
        string file = Path.Combine(Path.GetTempPath(), $"customercraft-quickstart-{Guid.NewGuid():N}.db");
        File.WriteAllText(file, "not a quick start database");
        try
        {
            IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(["--store", "sqlite", "--database", file], QuickStartStore.SwitchMappings).Build();

            QuickStartStore.TryFrom(configuration, out _, out string? problem).Should().BeFalse();

            problem.Should().StartWith($"{file} exists and was not made by the quick start, so it is left alone");
            File.ReadAllText(file).Should().Be("not a quick start database");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed record QuickStartRun(string Scenarios, IReadOnlyList<string> StoreLines);

    /// <summary>What Program.cs does with <paramref name="args"/>, with the store's lines apart from the scenarios.</summary>
    private static async Task<QuickStartRun> RunQuickStartAsync(params string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddCommandLine(args, QuickStartStore.SwitchMappings);
        if (!QuickStartStore.TryFrom(builder.Configuration, out QuickStartStore? store, out string? problem))
        {
            throw new InvalidOperationException(problem);
        }

        builder.Services.AddSingleton<TimeProvider>(new SimulatedClock(QuickStartScenarios.Start));
        ICustomerCraftBuilder customerCraft = builder.Services.AddCustomerCraft(builder.Configuration.GetSection("CustomerCraft"));
        if (store.IsDurable)
        {
            customerCraft.AddEntityFrameworkStores(store.UseDatabase);
        }

        using var storeLines = new StringWriter();
        using var scenarios = new StringWriter();
        using (IHost host = builder.Build())
        {
            await host.StartAsync();
            await store.PrepareAsync(host.Services, storeLines);
            await QuickStartScenarios.RunAsync(host.Services, scenarios);
            store.WriteWhereTheDataIs(storeLines);
            await host.StopAsync();
        }

        return new QuickStartRun(scenarios.ToString(), storeLines.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    private static IEnumerable<string> Ids(string text) => GrantId().Matches(text).Select(m => m.Value).Distinct();

    private static string WithoutIds(string text)
    {
        var numbers = new Dictionary<string, int>();
        return GrantId().Replace(text, m =>
        {
            if (!numbers.TryGetValue(m.Value, out int number))
            {
                number = numbers.Count + 1;
                numbers.Add(m.Value, number);
            }

            return $"<grant {number}>";
        });
    }

    [GeneratedRegex(@"\b[0-9a-f]{32}\b")]
    private static partial Regex GrantId();
}
