using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore;
using CustomerCraft.Insight;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tool.Commands;

/// <summary>
/// <c>what-if</c>: replays a decision history against an edited policy with the library's
/// <see cref="IPolicyWhatIf"/>, on a host of its own whose decision log is the history (a JSON Lines
/// export, or a CustomerCraft database through the EF Core store).
/// </summary>
internal static class WhatIfCommand
{
    public static Command Create()
    {
        Argument<string> policy = CommonOptions.File("policy", "The policy in force when the history was recorded (its currency is the history's).");
        Argument<string> edited = CommonOptions.File("edited", "The edited policy to replay the history against.");
        Option<string> section = CommonOptions.Section();
        var history = new Option<string?>("--history") { Description = "A JSON Lines export of the decision log (DecisionLogJsonLines.WriteAsync).", HelpName = "file.jsonl" };
        var sqlite = new Option<string?>("--sqlite") { Description = "A CustomerCraft SQLite database file; its decision log is read, never written.", HelpName = "file.db" };
        var postgres = new Option<string?>("--postgres") { Description = "A PostgreSQL connection string to a CustomerCraft database.", HelpName = "connection-string" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Replay records at or after this time (ISO 8601).", HelpName = "time" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Replay records before this time (ISO 8601).", HelpName = "time" };
        var agent = new Option<string?>("--agent") { Description = "Replay only this agent's requests.", HelpName = "id" };
        var customer = new Option<string?>("--customer") { Description = "Replay only requests for this customer.", HelpName = "id" };
        var command = new Command("what-if", "Replays a decision history against an edited policy and prints, per action and requester role, the escalations it would have avoided, the denials and the extra spend. The history comes from exactly one of --history, --sqlite or --postgres. Progress shows on a terminal only.")
        {
            policy, edited, section, history, sqlite, postgres, from, to, agent, customer,
        };
        command.Validators.Add(result =>
        {
            int sources = new Option[] { history, sqlite, postgres }.Count(o => result.GetResult(o) is not null);
            if (sources != 1)
            {
                result.AddError("what-if needs exactly one history: --history FILE.jsonl, --sqlite FILE.db or --postgres CONNECTION-STRING.");
            }
        });
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(policy)!,
            parse.GetValue(edited)!,
            parse.GetValue(section)!,
            (parse.GetValue(history), parse.GetValue(sqlite), parse.GetValue(postgres)),
            new DecisionLogQuery { From = parse.GetValue(from), To = parse.GetValue(to), AgentId = parse.GetValue(agent), CustomerId = parse.GetValue(customer) },
            ct));
        return command;
    }

    private static async Task<int> RunAsync(string policyFile, string editedFile, string sectionPath, (string? Jsonl, string? Sqlite, string? Postgres) source, DecisionLogQuery query, CancellationToken cancellationToken)
    {
        IConfigurationSection policy = PolicyFile.Section(policyFile, sectionPath);
        IConfigurationSection edited = PolicyFile.Section(editedFile, sectionPath);
        var services = new ServiceCollection();
        ICustomerCraftBuilder builder = services.AddCustomerCraft(policy);
        string where;
        if (source.Jsonl is { } jsonl)
        {
            string full = PolicyFile.Existing(jsonl);
            services.RemoveAll<IDecisionLog>();
            services.AddSingleton<IDecisionLog>(new JsonLinesDecisionLog(full));
            where = jsonl;
        }
        else if (source.Sqlite is { } sqlite)
        {
            string full = PolicyFile.Existing(sqlite);
            builder.AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={full};Mode=ReadOnly"));
            where = sqlite;
        }
        else
        {
            builder.AddEntityFrameworkStores(o => o.UseNpgsql(source.Postgres));
            where = "the PostgreSQL database";
        }

        await using ServiceProvider provider = services.BuildServiceProvider();
        IPolicyWhatIf whatIf;
        try
        {
            whatIf = provider.GetRequiredService<IPolicyWhatIf>();
        }
        catch (OptionsValidationException ex)
        {
            return Invalid(policyFile, ex);
        }

        WhatIfReport report;
        using (TerminalProgress? progress = TerminalProgress.ForTerminal())
        {
            try
            {
                report = await whatIf.CompareAsync(edited, new WhatIfOptions { Query = query, Progress = progress }, cancellationToken).ConfigureAwait(false);
            }
            catch (OptionsValidationException ex)
            {
                return Invalid(editedFile, ex);
            }
            catch (InvalidDataException ex)
            {
                throw new ToolException($"{where}: {ex.Message}", ExitCodes.InputUnreadable);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException { InnerException: DbException } or ArgumentException { Source: "Npgsql" })
            {
                Exception cause = ex is DbException ? ex : ex.InnerException ?? ex;
                throw new ToolException($"cannot read the decision log from {where}: {cause.Message.TrimEnd('.')}.", ExitCodes.InputUnreadable);
            }
        }

        Print(report);
        return ExitCodes.Ok;
    }

    private static int Invalid(string file, OptionsValidationException ex)
    {
        foreach (string error in ex.Failures)
        {
            Console.Out.WriteLine($"error: {file}: {error}");
        }

        return ExitCodes.PolicyInvalidOrTestFailed;
    }

    internal static void Print(WhatIfReport report)
    {
        string currency = report.Currency;
        Console.Out.WriteLine($"{"Action",-22} {"Role",-14} {"Requests",9} {"Escalations",17} {"Avoided",8} {"Denials",15} {"Extra spend",16}");
        foreach (WhatIfRow row in report.Rows)
        {
            Console.Out.WriteLine(Line(row.Action, row.Role, row, currency));
        }

        Console.Out.WriteLine(Line("Total", string.Empty, report.Totals, currency));
        Console.Out.WriteLine();
        Console.Out.WriteLine($"{report.RecordsRead.ToString("N0", CultureInfo.InvariantCulture)} records read; {report.UnreplayableCount.ToString("N0", CultureInfo.InvariantCulture)} could not be replayed under the edited policy; {report.IgnoredVoids.ToString("N0", CultureInfo.InvariantCulture)} voids of grants outside the history ignored.");
        foreach (IGrouping<string, UnreplayableRecord> reason in report.Unreplayable.GroupBy(u => u.Reason).Take(5))
        {
            Console.Out.WriteLine($"  {reason.Count().ToString("N0", CultureInfo.InvariantCulture)} x {reason.Key}");
        }
    }

    private static string Line(string action, string role, WhatIfFigures f, string currency) =>
        $"{action,-22} {role,-14} {f.Requests,9:N0} {$"{f.EscalationsBefore:N0} -> {f.EscalationsAfter:N0}",17} {f.EscalationsAvoided,8:N0} {$"{f.DenialsBefore:N0} -> {f.DenialsAfter:N0}",15} {$"{f.ExtraSpend.ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture)} {currency}",16}";
}
