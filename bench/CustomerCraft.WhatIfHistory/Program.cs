using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

// Makes a decision history for what-if measurements (docs/benchmarks.md): the quick start's policy
// decides N grant requests through the real engine on a simulated clock (30 s apart), and every
// record it logs goes to a CustomerCraft SQLite database (schema by the package's migrations) and,
// optionally, to a JSON Lines export. Requests that need approval are granted by a team lead, as
// the case workflow would. Deterministic: the same N gives the same history.
//
//   dotnet run -c Release --project bench/CustomerCraft.WhatIfHistory -- --records 1000000 --sqlite /tmp/history.db [--jsonl /tmp/history.jsonl]
//   ... -- --sqlite /tmp/history.db --read-only                 (times reading the history back)
//   ... -- --sqlite /tmp/history.db --replay-only edited.json   (times the what-if replay in memory)
string? Arg(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int records = int.Parse(Arg("--records") ?? "10000", CultureInfo.InvariantCulture);
string sqlite = Path.GetFullPath(Arg("--sqlite") ?? "history.db");
string? jsonl = Arg("--jsonl");
string policy = Arg("--policy") ?? Path.Combine(AppContext.BaseDirectory, "appsettings.json");

if (args.Contains("--read-only"))
{
    // Times reading the decision log back through the EF Core store alone, without a replay.
    var readers = new ServiceCollection();
    readers.AddCustomerCraft(new ConfigurationBuilder().AddJsonFile(policy).Build().GetSection("CustomerCraft")).AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={sqlite};Mode=ReadOnly"));
    await using ServiceProvider readerProvider = readers.BuildServiceProvider();
    var watch = System.Diagnostics.Stopwatch.StartNew();
    long read = 0;
    await foreach (DecisionRecord _ in readerProvider.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All))
    {
        read++;
    }

    Console.WriteLine($"read {read} records in {watch.Elapsed.TotalSeconds:0.0} s");
    return;
}

if (Arg("--replay-only") is { } edited)
{
    // Times the replay alone, in memory: the history is read from the database into a list first,
    // then IPolicyWhatIf replays it against the edited policy from that list.
    var readers = new ServiceCollection();
    readers.AddCustomerCraft(new ConfigurationBuilder().AddJsonFile(policy).Build().GetSection("CustomerCraft")).AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={sqlite};Mode=ReadOnly"));
    var history = new CollectingLog();
    await using (ServiceProvider readerProvider = readers.BuildServiceProvider())
    {
        await foreach (DecisionRecord record in readerProvider.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All))
        {
            history.Records.Add(record);
        }
    }

    var replays = new ServiceCollection();
    replays.AddCustomerCraft(new ConfigurationBuilder().AddJsonFile(policy).Build().GetSection("CustomerCraft"));
    replays.RemoveAll<IDecisionLog>();
    replays.AddSingleton<IDecisionLog>(history);
    await using ServiceProvider replayProvider = replays.BuildServiceProvider();
    IConfiguration alternative = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(edited)).Build().GetSection("CustomerCraft");
    // The history list is the bench's, not the replay's (the tool never holds it): moved to the
    // oldest generation first, so that the replay's collections do not promote it on the clock.
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
    TimeSpan pause = GC.GetTotalPauseDuration();
    long allocated = GC.GetTotalAllocatedBytes(precise: true);
    TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    using var allocListener = Environment.GetEnvironmentVariable("ALLOC_PROFILE") == "1" ? new AllocListener() : null;
    var watch = System.Diagnostics.Stopwatch.StartNew();
    CustomerCraft.Insight.WhatIfReport report = await replayProvider.GetRequiredService<CustomerCraft.Insight.IPolicyWhatIf>().CompareAsync(alternative);
    Console.WriteLine($"replayed {report.RecordsRead} records in {watch.Elapsed.TotalSeconds:0.0} s wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s CPU; escalations {report.Totals.EscalationsBefore} -> {report.Totals.EscalationsAfter}; "
        + $"GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, pause {(GC.GetTotalPauseDuration() - pause).TotalSeconds:0.0} s; "
        + $"{(GC.GetTotalAllocatedBytes(precise: true) - allocated) / Math.Max(1, report.RecordsRead):N0} B allocated a record; heap after {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576:N0} MiB");
    allocListener?.Print(report.RecordsRead);
    return;
}

var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 14, 0, 0, TimeSpan.Zero));
var log = new CollectingLog();
var services = new ServiceCollection();
services.AddSingleton<TimeProvider>(time);
services.AddCustomerCraft(new ConfigurationBuilder().AddJsonFile(policy).Build().GetSection("CustomerCraft"));
services.RemoveAll<IDecisionLog>();
services.AddSingleton<IDecisionLog>(log);
await using (ServiceProvider provider = services.BuildServiceProvider())
{
    IResolutionAuthority authority = provider.GetRequiredService<IResolutionAuthority>();
    var random = new Random(16);
    (string Action, decimal Max)[] actions = [("Refund", 400m), ("Credit", 250m), ("Replacement", 600m), ("FeeWaiver", 80m), ("Goodwill", 300m)];
    string[] segments = ["Standard", "Standard", "Standard", "Gold", "Platinum"];
    int requests = 0;
    while (log.Count < records)
    {
        requests++;
        (string action, decimal max) = actions[random.Next(actions.Length)];
        var request = new ResolutionRequest
        {
            AgentId = $"agent-{random.Next(200):D3}",
            Role = random.Next(10) < 8 ? "Agent" : "SeniorAgent",
            CustomerId = $"C-{random.Next(100_000):D6}",
            IncidentId = $"T-{requests:D7}",
            Action = action,
            Amount = Math.Round(1m + ((decimal)random.NextDouble() * max), 2),
            CustomerSegment = segments[random.Next(segments.Length)],
            ReasonCodes = random.Next(50) == 0 ? ["ChargebackOpen"] : null,
            IdempotencyKey = $"k-{requests}",
        };
        GrantResult result = await authority.GrantAsync(request);
        if (result.Decision?.Outcome == DecisionOutcome.RequiresApproval && log.Count < records)
        {
            time.Advance(TimeSpan.FromMinutes(10));
            await authority.GrantAsync(request with
            {
                Approver = new ApproverAuthority($"lead-{random.Next(20):D2}", result.Decision.RequiredApproverRole!),
                IdempotencyKey = $"k-{requests}-approved",
            });
        }

        time.Advance(TimeSpan.FromSeconds(30));
    }
}

// The schema from the package's own migrations, then the rows in one transaction.
File.Delete(sqlite);
var stores = new ServiceCollection();
stores.AddCustomerCraft(new ConfigurationBuilder().AddJsonFile(policy).Build().GetSection("CustomerCraft")).AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={sqlite}"));
await using (ServiceProvider provider = stores.BuildServiceProvider())
{
    await provider.MigrateCustomerCraftDatabaseAsync();
}

var json = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter() }, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
await using (var connection = new SqliteConnection($"Data Source={sqlite}"))
{
    await connection.OpenAsync();
    await using SqliteTransaction transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
    SqliteCommand insert = connection.CreateCommand();
    insert.Transaction = transaction;
    insert.CommandText = "INSERT INTO customercraft_decisions (id, timestamp_ticks, sequence, timestamp, kind, outcome, agent_id, customer_id, required_approver_role, amount, grant_id, policy_version, request) VALUES ($id, $ticks, $sequence, $timestamp, $kind, $outcome, $agent, $customer, $approver, $amount, $grant, $version, $request)";
    string[] names = ["$id", "$ticks", "$sequence", "$timestamp", "$kind", "$outcome", "$agent", "$customer", "$approver", "$amount", "$grant", "$version", "$request"];
    SqliteParameter[] parameters = [.. names.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n }))];
    long sequence = 0;
    foreach (DecisionRecord record in log.Records.Take(records))
    {
        parameters[0].Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
        parameters[1].Value = record.Timestamp.UtcTicks;
        parameters[2].Value = ++sequence;
        parameters[3].Value = record.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        parameters[4].Value = (int)record.Kind;
        parameters[5].Value = (int)record.Outcome;
        parameters[6].Value = record.Request.AgentId;
        parameters[7].Value = record.Request.CustomerId;
        parameters[8].Value = (object?)record.RequiredApproverRole ?? DBNull.Value;
        parameters[9].Value = record.Amount.ToString(CultureInfo.InvariantCulture);
        parameters[10].Value = (object?)record.GrantId ?? DBNull.Value;
        parameters[11].Value = record.PolicyVersion;
        parameters[12].Value = JsonSerializer.Serialize(record.Request, json);
        await insert.ExecuteNonQueryAsync();
    }

    await transaction.CommitAsync();
}

if (jsonl is not null)
{
    await using FileStream stream = File.Create(jsonl);
    await DecisionLogJsonLines.WriteAsync(log, stream);
}

Console.WriteLine($"{Math.Min(records, log.Count)} records ({log.Records.Take(records).Count(r => r.Kind == DecisionRecordKind.Refused)} refused) -> {sqlite}{(jsonl is null ? string.Empty : $" and {jsonl}")}");

/// <summary>Keeps every record the engine logs, in order; reads them back for the export.</summary>
internal sealed class CollectingLog : IDecisionLog
{
    public List<DecisionRecord> Records { get; } = [];

    public int Count => Records.Count;

    public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default)
    {
        Records.Add(record);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        foreach (DecisionRecord record in Records)
        {
            yield return record;
        }
    }
}

/// <summary>
/// With ALLOC_PROFILE=1, <c>--replay-only</c> sums the runtime's allocation ticks (one sample about
/// every 100 KB allocated, with the type that crossed it) by type and prints the largest, in bytes a
/// record. A sampled view: types are right in proportion, not to the byte, and the listener's own
/// event payloads are counted too.
/// </summary>
sealed class AllocListener : System.Diagnostics.Tracing.EventListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _bytes = new();
    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }
    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is not null && e.EventName.StartsWith("GCAllocationTick") && e.Payload is { } p)
        {
            int ti = e.PayloadNames!.IndexOf("TypeName");
            int ai = e.PayloadNames!.IndexOf("AllocationAmount64");
            long amount = Convert.ToInt64(p[ai], System.Globalization.CultureInfo.InvariantCulture);
            _bytes.AddOrUpdate((string)p[ti]!, amount, (_, v) => v + amount);
        }
    }
    public void Print(long records)
    {
        foreach (KeyValuePair<string, long> pair in _bytes.OrderByDescending(k => k.Value).Take(25))
        {
            Console.WriteLine($"{pair.Value / Math.Max(1, records),8} B/rec  {pair.Key}");
        }
    }
}
