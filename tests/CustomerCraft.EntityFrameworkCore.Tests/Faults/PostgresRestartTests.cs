using System.Collections.Concurrent;
using System.Diagnostics;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Escalation;
using CustomerCraft.FaultHost;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace CustomerCraft.EntityFrameworkCore.Tests.Faults;

/// <summary>
/// Proof under a real fault: four instances grant, void, approve and process deadlines while the
/// PostgreSQL server under them is stopped and started again twice (pg_ctl, on a private server
/// of .ci/fault-postgres.sh, never the shared one). Afterwards the database alone is checked.
/// Numbers of the last run are in docs/storage.md.
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const string DirectoryVariable = "CUSTOMERCRAFT_FAULT_PGDIR";
    private const string ConnectionVariable = "CUSTOMERCRAFT_FAULT_POSTGRES";
    private const int Instances = 4;

    [SkippableFact]
    public async Task Four_instances_through_two_server_restarts_lose_no_acknowledged_write()
    {
        string? directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        string? admin = Environment.GetEnvironmentVariable(ConnectionVariable);
        Skip.If(string.IsNullOrEmpty(directory) || string.IsNullOrEmpty(admin), $"The restart test needs a private server it may stop: eval \"$(bash .ci/fault-postgres.sh init)\" sets {DirectoryVariable} and {ConnectionVariable} (.ci/run does).");
        string database = $"cc_fault_{Guid.NewGuid():N}";
        await ExecuteAsync(admin!, $"CREATE DATABASE {database}");
        string connection = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var hosts = new TestHost[Instances];
        for (int i = 0; i < Instances; i++)
        {
            var builder = new NpgsqlConnectionStringBuilder(connection) { ApplicationName = $"fault-instance-{i}", MaxPoolSize = 10, Timeout = 5 };
            hosts[i] = EscalationFixtures.Build(FaultLoad.Settings(), b => b.AddEntityFrameworkStores(o => o.UseNpgsql(builder.ConnectionString, n => n.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(100), null))), time);
        }

        try
        {
            await hosts[0].Services.MigrateCustomerCraftDatabaseAsync();
            var load = new Load();
            using var stop = new CancellationTokenSource();
            Task[] workers = [.. hosts.Select((host, i) => Task.Run(() => load.RunAsync(host, i, time, stop.Token)))];

            // Load, then two stop-start cycles of the server under it, then load on the restarted server.
            var stopwatch = Stopwatch.StartNew();
            int restarts = 0;
            for (int cycle = 0; cycle < 2; cycle++)
            {
                await Task.Delay(TimeSpan.FromSeconds(4));
                await PgCtlAsync("stop", directory!);
                await Task.Delay(TimeSpan.FromSeconds(2));
                await PgCtlAsync("start", directory!);
                restarts++;
            }

            await Task.Delay(TimeSpan.FromSeconds(4));
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            // A client retries what it was not told the outcome of, under the same keys.
            TestHost retrier = hosts[0];
            foreach (int step in load.Unacknowledged.Keys)
            {
                GrantResult retried = await retrier.Authority.GrantAsync(FaultLoad.GrantRequest(step));
                load.Acknowledge(step, retried);
            }

            NpgsqlConnection.ClearAllPools();
            time.Advance(TimeSpan.FromMinutes(10));   // past CaseWorkflow's abandoned-approval age
            // Approvals cut short by a restart are finished as a client would: asked for if the case
            // was opened but not yet sent up, approved if it waits.
            int finished = 0;
            foreach (SupportCase stuck in await retrier.Workflow().QueryAsync(new CaseQuery { Limit = 10_000 }))
            {
                SupportCase current = stuck;
                if (current.State is CaseState.New or CaseState.InProgress && current.History.All(e => e.GrantId is null))
                {
                    int step = int.Parse(current.Id["case-".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    current = await retrier.Workflow().RequestApprovalAsync(current.Id, FaultLoad.ApprovalRequest(step));
                }

                if (current.State == CaseState.AwaitingApproval)
                {
                    ApprovalResult approved = await retrier.Workflow().ApproveAsync(current.Id, new CaseActor("lead-1", "TeamLead"));
                    load.Approved[current.Id] = approved.Grant.GrantId;
                    finished++;
                }
            }

            var invariants = new StoreInvariants();
            await using (var check = new NpgsqlConnection(connection))
            {
                await check.OpenAsync();
                await invariants.CheckLedgerAsync(check);
            }

            IBudgetLedger ledger = retrier.Services.GetRequiredService<IBudgetLedger>();
            int lost = 0;
            foreach ((int step, string grantId) in load.Granted)
            {
                GrantRecord? grant = await ledger.FindGrantAsync(grantId);
                bool voided = load.Voided.ContainsKey(grantId);
                if (grant is null || grant.IdempotencyKey != FaultLoad.Key(step) || (voided && !grant.IsVoided))
                {
                    lost++;
                    invariants.Require(false, $"step {step}: acknowledged grant {grantId} is {(grant is null ? "missing" : $"{grant.IdempotencyKey}, voided={grant.IsVoided}, acknowledged void={voided}")}");
                }
            }

            int cases = 0, deadlineEvents = 0;
            foreach (SupportCase supportCase in await retrier.Workflow().QueryAsync(new CaseQuery { Limit = 10_000 }))
            {
                cases++;
                string[] granted = [.. supportCase.History.Where(e => e.GrantId is not null).Select(e => e.GrantId!)];
                // A case the deadline runs escalated before its approval was asked for records no grant:
                // then the ledger must hold none for it either.
                invariants.CheckCase(supportCase.Id, supportCase.State.ToString(), granted);
                if (load.Approved.TryGetValue(supportCase.Id, out string? acknowledged))
                {
                    invariants.Require(granted.Contains(acknowledged), $"{supportCase.Id}: acknowledged approval grant {acknowledged} is not in its history");
                }

                foreach (string grantId in granted)
                {
                    GrantRecord? grant = await ledger.FindGrantAsync(grantId);
                    invariants.Require(grant is { IsVoided: false } && grant.IncidentId == supportCase.Id, $"{supportCase.Id} records grant {grantId}, which is {(grant is null ? "missing" : grant.IsVoided ? "voided" : $"for {grant.IncidentId}")}");
                }

                CaseEvent[] deadlines = [.. supportCase.History.Where(e => e.Kind is CaseEventKind.SlaWarning or CaseEventKind.SlaBreach)];
                deadlineEvents += deadlines.Length;
                foreach (var twice in deadlines.GroupBy(e => (e.Kind, e.Timer, e.Level, e.At, e.Detail)).Where(g => g.Count() > 1))
                {
                    invariants.Require(false, $"{supportCase.Id}: {twice.Key.Kind} of {twice.Key.Timer} at level {twice.Key.Level} at {twice.Key.At:O} recorded {twice.Count()} times");
                }

                invariants.Require(supportCase.History.Select(e => e.Sequence).SequenceEqual(Enumerable.Range(1, supportCase.History.Count)), $"{supportCase.Id}: its timeline's sequence has gaps or repeats");
            }

            output.WriteLine($"{Instances} instances, {restarts} server restarts, {stopwatch.Elapsed.TotalSeconds:F0} s of load: {load.Attempts} operations attempted, {load.Failures} failed with the server down "
                + $"({load.Unknown} grants of unknown outcome retried afterwards), acknowledged: {load.Granted.Count} grants, {load.Refused} refusals, {load.Voided.Count} voids, {load.Approved.Count} approvals, "
                + $"{load.DueRuns} deadline runs; {finished} approvals finished afterwards; database: {invariants.Grants} grants ({invariants.VoidedGrants} voided), {invariants.Charges} charges, {cases} cases, {deadlineEvents} deadline events; lost: {lost}");
            invariants.Problems.Should().BeEmpty();
            lost.Should().Be(0);
            load.Failures.Should().BeGreaterThan(0, "the restarts happened under load");
        }
        finally
        {
            foreach (TestHost host in hosts)
            {
                host?.Dispose();
            }

            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin!, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task PgCtlAsync(string verb, string directory)
    {
        string script = CustomerCraft.Tests.Repository.File(".ci", "fault-postgres.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add(directory);
        using Process process = Process.Start(start)!;
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, $"fault-postgres.sh {verb}: {errors}");
    }

    /// <summary>What the instances did and were told: each operation is recorded only once the library returned it.</summary>
    private sealed class Load
    {
        private int _nextStep;
        private int _attempts, _failures, _refused, _dueRuns;

        public ConcurrentDictionary<int, string> Granted { get; } = new();

        public ConcurrentDictionary<int, bool> Unacknowledged { get; } = new();

        public ConcurrentDictionary<string, bool> Voided { get; } = new();

        public ConcurrentDictionary<string, string> Approved { get; } = new();

        public int Attempts => _attempts;

        public int Failures => _failures;

        public int Refused => _refused;

        public int DueRuns => _dueRuns;

        public int Unknown { get; private set; }

        public void Acknowledge(int step, GrantResult result)
        {
            Unknown++;
            Unacknowledged.TryRemove(step, out _);
            if (result.Grant is { } grant)
            {
                Granted[step] = grant.GrantId;
            }
        }

        public async Task RunAsync(TestHost host, int instance, FakeTimeProvider time, CancellationToken stop)
        {
            var lead = new CaseActor($"lead-{instance}", "TeamLead");
            while (!stop.IsCancellationRequested)
            {
                int step = Interlocked.Increment(ref _nextStep);
                Interlocked.Increment(ref _attempts);
                try
                {
                    if (FaultLoad.IsApproval(step))
                    {
                        string caseId = FaultLoad.CaseId(step);
                        await host.Workflow().OpenAsync(new OpenCaseRequest { CaseId = caseId, CustomerId = FaultLoad.CaseCustomer(step), Owner = new CaseActor(FaultLoad.Agent(step), "Agent") });
                        await host.Workflow().RequestApprovalAsync(caseId, FaultLoad.ApprovalRequest(step));
                        ApprovalResult approved = await host.Workflow().ApproveAsync(caseId, lead);
                        Approved[caseId] = approved.Grant.GrantId;
                    }
                    else if (FaultLoad.IsVoid(step) && Granted.TryGetValue(step - 5, out string? earlier))
                    {
                        GrantRecord voided = await host.Authority.VoidAsync(earlier, "fault suite");
                        Voided[voided.GrantId] = true;
                    }
                    else if (step % 7 == 3)
                    {
                        time.Advance(TimeSpan.FromMinutes(5));
                        await host.Workflow().ProcessDueAsync();
                        Interlocked.Increment(ref _dueRuns);
                    }
                    else
                    {
                        Unacknowledged[step] = true;
                        GrantResult result = await host.Authority.GrantAsync(FaultLoad.GrantRequest(step));
                        Unacknowledged.TryRemove(step, out _);
                        if (result.Grant is { } grant)
                        {
                            Granted[step] = grant.GrantId;
                        }
                        else
                        {
                            Interlocked.Increment(ref _refused);
                        }
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    // The server is down (or was, mid-operation): the operation's outcome is unknown.
                    // A grant is retried at the end under its key; a half-done approval is finished
                    // there too; a deadline run is simply run again by the next one.
                    Interlocked.Increment(ref _failures);
                    await Task.Delay(50, CancellationToken.None);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
