using System.Diagnostics;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Escalation;
using CustomerCraft.FaultHost;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace CustomerCraft.EntityFrameworkCore.Tests.Faults;

/// <summary>
/// Proof under a real fault: a host process writing to SQLite (tests/CustomerCraft.FaultHost) is
/// killed with SIGKILL mid-load, three times, and started again on the same file; then the
/// database alone is checked. Numbers of the last run are in docs/storage.md.
/// </summary>
public sealed class SqliteKillTests(ITestOutputHelper output)
{
    private const int Steps = 800;
    private const int Kills = 3;

    [Fact]
    public async Task A_host_killed_with_SIGKILL_mid_load_and_restarted_loses_no_acknowledged_write()
    {
        string file = Path.Combine(Path.GetTempPath(), $"customercraft-kill-{Guid.NewGuid():N}.db");
        var acknowledged = new Dictionary<string, string>(StringComparer.Ordinal);   // key or case -> grant id
        var voids = new HashSet<string>(StringComparer.Ordinal);
        int lines = 0, pending = 0, progress = 0;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            for (int run = 0; run <= Kills; run++)
            {
                // Each run starts at step 0 and replays what earlier runs did; it is killed a little
                // further on than the last one got, so the load moves forward through the kills.
                int killAfter = run < Kills ? progress + 150 + Random.Shared.Next(100) : int.MaxValue;
                (int seen, bool done) = await RunHostAsync(file, killAfter, line =>
                {
                    lines++;
                    string[] parts = line.Split(' ');
                    switch (parts[0])
                    {
                        case "GRANT" or "APPROVED":
                            if (acknowledged.TryGetValue(parts[1], out string? earlier))
                            {
                                earlier.Should().Be(parts[2], $"{parts[1]} was acknowledged as {earlier} before a restart and must replay as the same grant");
                            }

                            acknowledged[parts[1]] = parts[2];
                            break;
                        case "VOID":
                            voids.Add(parts[1]);
                            break;
                        case "PENDING":
                            pending++;
                            break;
                    }
                });
                progress = Math.Max(progress, seen);
                done.Should().Be(run == Kills, run < Kills ? "the host was killed" : "the last run completes the load");
            }

            // What a killed approval left half done (grant reserved, case not saved) is finished the
            // way a later approval would, on a clock past CaseWorkflow's abandoned-attempt age.
            var later = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10));
            using TestHost checker = EscalationFixtures.Build(FaultLoad.Settings(), b => b.AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={file}")), later);
            ICaseWorkflow workflow = checker.Workflow();
            IReadOnlyList<SupportCase> cases = await workflow.QueryAsync(new CaseQuery { Limit = 1_000 });
            int finished = 0;
            foreach (SupportCase stuck in cases.Where(c => c.State == CaseState.AwaitingApproval))
            {
                ApprovalResult approved = await workflow.ApproveAsync(stuck.Id, new CaseActor("lead-1", "TeamLead"));
                acknowledged[stuck.Id] = approved.Grant.GrantId;
                finished++;
            }

            var invariants = new StoreInvariants();
            await using (var connection = new SqliteConnection($"Data Source={file}"))
            {
                await connection.OpenAsync();
                await invariants.CheckLedgerAsync(connection);
            }

            IBudgetLedger ledger = checker.Services.GetRequiredService<IBudgetLedger>();
            int lost = 0;
            foreach ((string what, string grantId) in acknowledged)
            {
                GrantRecord? grant = await ledger.FindGrantAsync(grantId);
                if (grant is null || grant.IsVoided != voids.Contains(grantId))
                {
                    lost++;
                    invariants.Require(false, $"{what}: acknowledged grant {grantId} is {(grant is null ? "missing" : $"voided={grant.IsVoided}, acknowledged void={voids.Contains(grantId)}")}");
                }
            }

            foreach (SupportCase supportCase in await workflow.QueryAsync(new CaseQuery { Limit = 1_000 }))
            {
                string[] granted = [.. supportCase.History.Where(e => e.GrantId is not null).Select(e => e.GrantId!)];
                invariants.Require(supportCase.State != CaseState.AwaitingApproval, $"{supportCase.Id} is still awaiting approval");
                invariants.Require(granted.Length == 1, $"{supportCase.Id} records {granted.Length} grants");
                invariants.CheckCase(supportCase.Id, supportCase.State.ToString(), granted);
                if (granted.Length == 1)
                {
                    GrantRecord? grant = await ledger.FindGrantAsync(granted[0]);
                    invariants.Require(grant is { IsVoided: false } && grant.IncidentId == supportCase.Id, $"{supportCase.Id} records grant {granted[0]}, which is {(grant is null ? "missing" : grant.IsVoided ? "voided" : $"for {grant.IncidentId}")}");
                }
            }

            output.WriteLine($"{Kills} SIGKILLs in {stopwatch.Elapsed.TotalSeconds:F0} s; {lines} acknowledged lines ({acknowledged.Count} distinct grants and approvals, {voids.Count} voids), "
                + $"{pending} approvals left pending by a kill and {finished} finished afterwards; database: {invariants.Grants} grants ({invariants.VoidedGrants} voided), {invariants.Charges} charges, "
                + $"{cases.Count} cases; lost: {lost}");
            invariants.Problems.Should().BeEmpty();
            lost.Should().Be(0);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (string path in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Runs the host until it has printed <paramref name="killAfter"/> lines (then SIGKILLs it) or ends; at most two minutes.</summary>
    private static async Task<(int Lines, bool Done)> RunHostAsync(string file, int killAfter, Action<string> onLine)
    {
        string host = AppContext.BaseDirectory.Replace("CustomerCraft.EntityFrameworkCore.Tests", "CustomerCraft.FaultHost", StringComparison.Ordinal);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(host, "CustomerCraft.FaultHost.dll"));
        start.ArgumentList.Add(file);
        start.ArgumentList.Add(Steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        int lines = 0;
        bool done = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line == "DONE")
                {
                    done = true;
                    continue;
                }

                onLine(line);
                if (++lines >= killAfter)
                {
                    process.Kill();   // SIGKILL on Linux: no shutdown, no flush, mid-write
                    break;
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
        }

        if (killAfter == int.MaxValue)
        {
            process.ExitCode.Should().Be(0, await errors);
        }

        return (lines, done);
    }
}
