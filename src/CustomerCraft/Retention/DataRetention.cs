using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Policy;
using CustomerCraft.Storage;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Retention;

/// <summary>
/// Works out the cutoffs from the policy in force and prunes the ledger and the decision log.
/// The windows are read from the current snapshot on every pass, so a reload that lengthens a
/// window keeps more from the next pass on (what was already removed stays removed: that is what
/// <see cref="RetentionOptions.KeepPastLongestWindow"/> is a margin for).
/// </summary>
internal sealed class DataRetention(
    PolicyProvider policy,
    IOptions<CustomerCraftOptions> options,
    TimeProvider time,
    IBudgetLedger ledger,
    IDecisionLog decisionLog) : IDataRetention
{
    // Calendar windows start at local midnight in the policy's zone: a day's window reaches back
    // at most 25 hours (a day with a daylight-saving shift), a week's 7 days and an hour, a
    // month's 31 days and an hour. These spans cover them with room to spare.
    private static readonly TimeSpan LongestDay = TimeSpan.FromDays(2);
    private static readonly TimeSpan LongestWeek = TimeSpan.FromDays(8);
    private static readonly TimeSpan LongestMonth = TimeSpan.FromDays(32);

    private readonly RetentionOptions _options = options.Value.Retention ?? new RetentionOptions();

    public RetentionCutoffs CutoffsAt(DateTimeOffset now)
    {
        TimeSpan longest = LongestWindow(policy.Current.Empowerment);
        return new RetentionCutoffs(
            Back(now, longest, _options.KeepPastLongestWindow),
            _options.IncidentBudgets is { } incident ? Back(now, incident, TimeSpan.Zero) : null,
            _options.DecisionRecords is { } decisions ? Back(now, decisions, TimeSpan.Zero) : null,
            _options.BatchSize);
    }

    public async ValueTask<RetentionResult> PruneAsync(CancellationToken cancellationToken = default)
    {
        RetentionCutoffs cutoffs = CutoffsAt(time.GetUtcNow());
        RetentionResult result = default;
        if (ledger is IRetentionStore ledgerStore)
        {
            result += await ledgerStore.PruneAsync(cutoffs, cancellationToken).ConfigureAwait(false);
        }

        // The EF Core stores are separate objects for the ledger and the log; a host's single
        // object serving both is pruned once.
        if (decisionLog is IRetentionStore logStore && !ReferenceEquals(decisionLog, ledger))
        {
            result += await logStore.PruneAsync(cutoffs, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The longest customer or agent window any role has for any action; zero when none has one.</summary>
    internal static TimeSpan LongestWindow(EmpowermentPolicy empowerment)
    {
        TimeSpan longest = TimeSpan.Zero;
        foreach (CompiledLimit? limit in empowerment.Limits)
        {
            if (limit is null)
            {
                continue;
            }

            longest = Max(longest, Span(limit.Customer));
            longest = Max(longest, Span(limit.Agent));
        }

        return longest;
    }

    private static TimeSpan Span(CompiledBudget? budget) => budget?.Window switch
    {
        null => TimeSpan.Zero,
        BudgetWindow.Rolling => budget.Length,
        BudgetWindow.Day => LongestDay,
        BudgetWindow.Week => LongestWeek,
        _ => LongestMonth,
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary><paramref name="now"/> minus both spans, or the earliest instant when that reaches before it (nothing removed).</summary>
    private static DateTimeOffset Back(DateTimeOffset now, TimeSpan span, TimeSpan margin)
    {
        long available = now.UtcTicks - DateTimeOffset.MinValue.UtcTicks;
        return span.Ticks >= available || margin.Ticks >= available - span.Ticks
            ? DateTimeOffset.MinValue
            : new DateTimeOffset(now.UtcTicks - span.Ticks - margin.Ticks, TimeSpan.Zero);
    }
}
