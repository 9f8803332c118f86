using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Identifiers;
using Microsoft.Extensions.Configuration;
using CustomerCraft.DependencyInjection;
using Microsoft.Extensions.Options;
using CustomerCraft.Policy;

namespace CustomerCraft.Insight;

/// <summary>
/// Replays the decision log against an alternative policy on an engine of its own: the alternative
/// bound and validated with the host's rules and condition types, a fresh in-memory ledger, no
/// decision log, and a clock moved to each record's time. See <c>docs/what-if.md</c>.
/// </summary>
internal sealed class PolicyWhatIf(
    IDecisionLog decisionLog,
    PolicyProvider policy,
    IEnumerable<IPolicyPartCompiler> parts,
    ICurrencyConverter? currencyConverter = null,
    IdRules? ids = null) : IPolicyWhatIf
{
    /// <summary>The meter the simulated engine reports to, so that replayed decisions never count as the host's.</summary>
    internal const string ReplayMeterName = "CustomerCraft.WhatIf";

    /// <summary>How many records between two progress reports: often enough for a terminal, rare enough to cost nothing.</summary>
    private const int ProgressStep = 10_000;

    public async ValueTask<WhatIfReport> CompareAsync(IConfiguration alternative, WhatIfOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alternative);
        DecisionLogQuery query = options?.Query ?? DecisionLogQuery.All;
        string currency = policy.Current.Currency;

        var clock = new ReplayClock();
        (PolicyProvider alternativePolicy, CustomerCraftConfiguration source) = Compile(alternative);
        using var telemetry = new CustomerCraftTelemetry(new ReplayMeterFactory());
        {
            if (!string.Equals(alternativePolicy.Current.Currency, currency, StringComparison.OrdinalIgnoreCase))
            {
                string path = $"{source.EmpowermentPath}:Currency";
                throw new OptionsValidationException(
                    Options.DefaultName,
                    typeof(CustomerCraftOptions),
                    [$"{path}: '{alternativePolicy.Current.Currency}' differs from the currency of the policy in force ({currency}); the history is recorded in {currency} and a what-if compares amounts in one currency."]);
            }

            IProgress<WhatIfProgress>? progress = options?.Progress;
            using Activity? activity = CustomerCraftTelemetry.ActivitySource.StartActivity("CustomerCraft.WhatIf");

            // Replayed while read: the stores read in time order, and a JSON Lines export is written
            // in its log's read order, so no list of the whole history and no sort (docs/benchmarks.md).
            Replay replay = NewReplay(alternativePolicy, telemetry, clock);
            (bool inOrder, long read) = ReadAheadBatches > 0
                ? await ReplayReadAheadAsync(replay, query, progress, cancellationToken).ConfigureAwait(false)
                : await ReplayAsReadAsync(replay, query, progress, cancellationToken).ConfigureAwait(false);
            if (!inOrder)
            {
                // A log that does not read in time order (an in-memory log appended to concurrently,
                // an export merged by hand): what was replayed is thrown away, and the history read
                // again, held and sorted before it is replayed.
                (replay, read) = await ReplaySortedAsync(NewReplay(alternativePolicy, telemetry, clock), query, progress, cancellationToken).ConfigureAwait(false);
            }

            activity?.SetTag("customercraft.whatif.records", read);
            progress?.Report(new WhatIfProgress(read, read));
            return replay.Report(currency, checked((int)read));
        }
    }

    /// <summary>
    /// Which engine the replay uses: <see cref="ReservingReplayEngine"/> unless a test asks for the
    /// reference one (<see cref="GrantingReplayEngine"/>) to compare the two.
    /// </summary>
    internal bool UseGrantingReplay { get; set; }

    private Replay NewReplay(PolicyProvider alternativePolicy, CustomerCraftTelemetry telemetry, ReplayClock clock)
    {
        IdRules rules = ids ?? IdRules.Default;
        // The reserving replay charges a replay ledger (incident budgets as totals); the reference
        // replay grants through the engine, on an ordinary ledger.
        InMemoryBudgetLedger ledger = UseGrantingReplay ? new InMemoryBudgetLedger(rules) : InMemoryBudgetLedger.ForReplay(rules);
        var engine = new ResolutionAuthority(alternativePolicy, ledger, NullDecisionLog.Instance, clock, telemetry, currencyConverter, ids: ids);
        IReplayEngine replayEngine = UseGrantingReplay
            ? new GrantingReplayEngine(engine)
            : new ReservingReplayEngine(engine, ledger, alternativePolicy.Current, clock);
        return new Replay(replayEngine, clock);
    }

    /// <summary>
    /// How many batches of <see cref="ReadAheadBatchSize"/> records the history is read ahead of the
    /// replay, on a task of its own (<see cref="ReadAhead"/>); 0 reads and replays on one thread.
    /// Reading (a database row's JSON, a line of an export) costs about half as much as replaying
    /// it, so on two cores the two overlap (docs/benchmarks.md).
    /// </summary>
    internal int ReadAheadBatches { get; set; } = 4;

    /// <summary>Records per batch read ahead: handing a batch from the reader to the replay costs nothing per record.</summary>
    internal const int ReadAheadBatchSize = 1024;

    /// <summary>Replays the history while it is read, stopping at the first record out of time order.</summary>
    private async ValueTask<(bool InOrder, long Read)> ReplayAsReadAsync(Replay replay, DecisionLogQuery query, IProgress<WhatIfProgress>? progress, CancellationToken cancellationToken)
    {
        var cursor = new InOrderCursor(replay, progress);
        await foreach (DecisionRecord record in decisionLog.ReadAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (!await cursor.ApplyAsync(record, cancellationToken).ConfigureAwait(false))
            {
                return (false, cursor.Read);
            }
        }

        return (true, cursor.Read);
    }

    /// <summary>As <see cref="ReplayAsReadAsync"/>, with the history read ahead on another thread; stopping cancels the reading.</summary>
    private async ValueTask<(bool InOrder, long Read)> ReplayReadAheadAsync(Replay replay, DecisionLogQuery query, IProgress<WhatIfProgress>? progress, CancellationToken cancellationToken)
    {
        var cursor = new InOrderCursor(replay, progress);
        await foreach (ArraySegment<DecisionRecord> batch in ReadAhead.BatchesAsync(decisionLog.ReadAsync(query, cancellationToken), ReadAheadBatchSize, ReadAheadBatches, cancellationToken).ConfigureAwait(false))
        {
            foreach (DecisionRecord record in batch)
            {
                if (!await cursor.ApplyAsync(record, cancellationToken).ConfigureAwait(false))
                {
                    return (false, cursor.Read);
                }
            }
        }

        return (true, cursor.Read);
    }

    /// <summary>
    /// The step both in-order replays take per record: refuse a record older than the last one (the
    /// caller then re-reads and sorts), otherwise replay it and report progress every <see cref="ProgressStep"/>.
    /// </summary>
    private sealed class InOrderCursor(Replay replay, IProgress<WhatIfProgress>? progress)
    {
        private DateTimeOffset _last = DateTimeOffset.MinValue;

        public long Read { get; private set; }

        public async ValueTask<bool> ApplyAsync(DecisionRecord record, CancellationToken cancellationToken)
        {
            if (record.Timestamp < _last)
            {
                return false;
            }

            _last = record.Timestamp;
            await replay.ApplyAsync(record, cancellationToken).ConfigureAwait(false);
            if (++Read % ProgressStep == 0)
            {
                progress?.Report(new WhatIfProgress(Read, Read));
            }

            return true;
        }
    }

    private async ValueTask<(Replay Replay, long Read)> ReplaySortedAsync(Replay replay, DecisionLogQuery query, IProgress<WhatIfProgress>? progress, CancellationToken cancellationToken)
    {
        var history = new List<DecisionRecord>();
        await foreach (DecisionRecord record in decisionLog.ReadAsync(query, cancellationToken).ConfigureAwait(false))
        {
            history.Add(record);
            if (history.Count % ProgressStep == 0)
            {
                progress?.Report(new WhatIfProgress(history.Count, 0));
            }
        }

        // Records with the same time keep the order they were read in (OrderBy is stable).
        long replayed = 0;
        foreach (DecisionRecord record in history.OrderBy(r => r.Timestamp))
        {
            await replay.ApplyAsync(record, cancellationToken).ConfigureAwait(false);
            if (++replayed % ProgressStep == 0)
            {
                progress?.Report(new WhatIfProgress(history.Count, replayed));
            }
        }

        return (replay, history.Count);
    }

    /// <summary>
    /// Binds and validates the alternative exactly as <c>AddCustomerCraft</c> does (strict binding,
    /// every rule, the host's condition types): an invalid one throws
    /// <see cref="OptionsValidationException"/> naming every path.
    /// </summary>
    private (PolicyProvider Policy, CustomerCraftConfiguration Source) Compile(IConfiguration alternative)
    {
        string path = alternative is IConfigurationSection section ? section.Path : CustomerCraftOptions.SectionName;
        var source = new CustomerCraftConfiguration(alternative, path);
        PolicyCompilation compilation = PolicyProvider.Compile(alternative, [.. parts]);
        PolicySnapshot snapshot = compilation.Snapshot ?? throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), compilation.Errors);
        return (PolicyProvider.Fixed(snapshot), source);
    }

    /// <summary>
    /// The replay of one history: groups records into needs, drives the simulated engine and keeps
    /// both sides' figures. A need's figures go into its row once a grant in history closes it, and
    /// its records are dropped then unless the alternative could not replay it, so what is held is
    /// the open needs and, for voids, a small object per granted one, not the history.
    /// </summary>
    private sealed class Replay(IReplayEngine engine, ReplayClock clock)
    {
        private readonly Dictionary<NeedKey, Need> _open = new(NeedKeyComparer.Instance);
        private readonly HistoricGrants _byHistoricGrant = new();
        private readonly Dictionary<(string Action, string Role), Figures> _rows = new(ActionRoleComparer.Instance);
        private readonly List<Need> _unreplayable = [];
        private long _needs;
        private int _ignoredVoids;

        public async ValueTask ApplyAsync(DecisionRecord record, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            clock.MoveTo(record.Timestamp);
            if (record.Kind == DecisionRecordKind.Voided)
            {
                await VoidAsync(record, cancellationToken).ConfigureAwait(false);
                return;
            }

            // A need stays open until a grant closes it: the requester's attempts, a refusal for
            // approval and the grant under the approver that followed are one need.
            NeedKey key = NeedKey.Of(record);
            ref Need? open = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out _);
            Need need = open ??= new Need(record, _needs++);

            need.AddRecord(record);
            bool byApprover = record.Request.Approver is not null;

            // Baseline: the first answer the requester got. A need first seen as a grant under an
            // approver was escalated (the case workflow evaluates, which is not logged, then grants).
            need.Before ??= byApprover ? DecisionOutcome.RequiresApproval : record.Outcome;
            await SimulateAsync(need, record, byApprover, cancellationToken).ConfigureAwait(false);
            if (record.Kind == DecisionRecordKind.Granted)
            {
                need.SpendBefore += record.Amount;
                _open.Remove(key);
                Figures? row = Settle(need);
                if (record.GrantId is { } grantId)
                {
                    // What a later void of this grant needs, and no more: the need itself is kept
                    // only when it could not be replayed (its records are listed, voids included).
                    _byHistoricGrant.Add(grantId) = new HistoricGrant
                    {
                        Row = row,
                        Unreplayable = need.UnreplayableReason is null ? null : need,
                        Simulated = need.UnreplayableReason is null ? need.SimulatedGrant : null,
                        SimulatedAmount = need.SimulatedAmount,
                    };
                }
            }
        }

        public WhatIfReport Report(string currency, int recordsRead)
        {
            foreach (Need open in _open.Values)
            {
                Settle(open);
            }

            _open.Clear();
            var unreplayable = new List<UnreplayableRecord>();
            foreach (Need need in _unreplayable.OrderBy(n => n.Order))
            {
                unreplayable.AddRange(need.Records.Select(r => new UnreplayableRecord(r, need.UnreplayableReason!)));
            }

            WhatIfRow[] ordered = _rows
                .OrderBy(pair => pair.Key.Action, StringComparer.OrdinalIgnoreCase)
                .ThenBy(pair => pair.Key.Role, StringComparer.OrdinalIgnoreCase)
                .Select(pair => pair.Value.ToRow(pair.Key.Action, pair.Key.Role))
                .ToArray();
            var totals = new Figures();
            foreach (Figures figures in _rows.Values)
            {
                totals.Add(figures);
            }

            return new WhatIfReport
            {
                Currency = currency,
                Rows = ordered,
                Totals = totals.ToFigures(),
                RecordsRead = recordsRead,
                IgnoredVoids = _ignoredVoids,
                Unreplayable = unreplayable,
            };
        }

        private async ValueTask SimulateAsync(Need need, DecisionRecord record, bool byApprover, CancellationToken cancellationToken)
        {
            // Once the simulation granted the need, later attempts are redundant (the approved
            // grant after an escalation the alternative would not have needed).
            if (need.UnreplayableReason is not null || need.SimulatedGrant is not null)
            {
                return;
            }

            try
            {
                if (need.After is null || !byApprover)
                {
                    // The requester's own attempt, without any approver.
                    ResolutionRequest own = byApprover ? record.Request with { Approver = null } : record.Request;
                    ReplayAttempt attempt = await engine.GrantAsync(own, record.Amount, cancellationToken).ConfigureAwait(false);
                    need.After ??= attempt.Outcome;
                    if (Take(need, attempt) || !byApprover)
                    {
                        return;
                    }
                }

                // An approver's grant is replayed only if the alternative escalated the request:
                // a requester who is allowed or denied never asks anyone.
                if (need.After == DecisionOutcome.RequiresApproval)
                {
                    Take(need, await engine.GrantAsync(record.Request, record.Amount, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (ArgumentException ex)
            {
                // The alternative cannot evaluate the request (a role, action or approver it does
                // not have, an approver who no longer ranks above): nothing was granted for it.
                need.UnreplayableReason = ex.Message;
                _unreplayable.Add(need);
            }
        }

        /// <summary>Puts a need that no later attempt can change into its row, and returns the row; only voids move its spend afterwards.</summary>
        private Figures? Settle(Need need)
        {
            if (need.UnreplayableReason is not null)
            {
                return null; // listed with its records, in no row
            }

            if (!_rows.TryGetValue((need.Action, need.Role), out Figures? figures))
            {
                figures = new Figures();
                _rows[(need.Action, need.Role)] = figures;
            }

            figures.Add(need);
            need.DropRecords();
            return figures;
        }

        private ValueTask VoidAsync(DecisionRecord record, CancellationToken cancellationToken)
        {
            // The need's grant in the simulation is voided, whichever attempt made it, so that
            // its budget is released at the time it was in history.
            object? simulated = Void(record);
            return simulated is null ? ValueTask.CompletedTask : engine.VoidAsync(simulated, cancellationToken);
        }

        /// <summary>Counts a void in history in its need's row; returns the simulation's charge to void, if any.</summary>
        private object? Void(DecisionRecord record)
        {
            ref HistoricGrant grant = ref record.GrantId is { } grantId ? ref _byHistoricGrant.Find(grantId) : ref Unsafe.NullRef<HistoricGrant>();
            if (Unsafe.IsNullRef(ref grant))
            {
                _ignoredVoids++;
                return null;
            }

            if (grant.Unreplayable is { } unreplayable)
            {
                unreplayable.AddRecord(record); // listed, in no row
                return null;
            }

            // History's spend falls once, however often the grant was voided.
            decimal before = grant.VoidedInHistory ? 0m : record.Amount;
            grant.VoidedInHistory = true;
            object? simulated = grant.Simulated;
            grant.Simulated = null;
            grant.Row?.AddSpend(-before, simulated is null ? 0m : -grant.SimulatedAmount);
            return simulated;
        }

        private static bool Take(Need need, ReplayAttempt attempt)
        {
            if (attempt.Grant is not { } grant)
            {
                return false;
            }

            need.SimulatedGrant = grant;
            need.SimulatedAmount = attempt.Amount;
            need.SpendAfter += attempt.Amount;
            return true;
        }
    }

    /// <summary>One need of a requester: the same agent, customer, incident, action and amount until a grant closes it.</summary>
    private readonly record struct NeedKey(string AgentId, string CustomerId, string IncidentId, string Action, string Role, decimal Amount)
    {
        public static NeedKey Of(DecisionRecord record) => new(
            record.Request.AgentId,
            record.Request.CustomerId,
            record.Request.IncidentId,
            record.Request.Action,
            record.Request.Role,
            record.Amount);
    }

    /// <summary>Ids exactly, action and role names ignoring case (as the policy matches them), without upper-casing each record's names.</summary>
    private sealed class NeedKeyComparer : IEqualityComparer<NeedKey>
    {
        public static readonly NeedKeyComparer Instance = new();

        public bool Equals(NeedKey x, NeedKey y) =>
            x.Amount == y.Amount
            && string.Equals(x.IncidentId, y.IncidentId, StringComparison.Ordinal)
            && string.Equals(x.CustomerId, y.CustomerId, StringComparison.Ordinal)
            && string.Equals(x.AgentId, y.AgentId, StringComparison.Ordinal)
            && string.Equals(x.Action, y.Action, StringComparison.OrdinalIgnoreCase)
            && string.Equals(x.Role, y.Role, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode(NeedKey key) => HashCode.Combine(
            StringComparer.Ordinal.GetHashCode(key.AgentId),
            StringComparer.Ordinal.GetHashCode(key.CustomerId),
            StringComparer.Ordinal.GetHashCode(key.IncidentId),
            StringComparer.OrdinalIgnoreCase.GetHashCode(key.Action),
            StringComparer.OrdinalIgnoreCase.GetHashCode(key.Role),
            key.Amount);
    }

    private sealed class Need(DecisionRecord first, long order)
    {
        /// <summary>When the need was first seen, to list unreplayable records in history's order.</summary>
        public long Order { get; } = order;

        public string Action { get; } = first.Request.Action;

        public string Role { get; } = first.Request.Role;

        // The records, while the need is open or when it could not be replayed; none once settled
        // in a row. Most needs have one record, so the first is held without a list.
        private DecisionRecord? _first;
        private List<DecisionRecord>? _more;

        /// <summary>The records kept (see <see cref="AddRecord"/>), in the order they were added.</summary>
        public IEnumerable<DecisionRecord> Records => _first is null ? [] : _more is null ? [_first] : [_first, .. _more];

        public DecisionOutcome? Before { get; set; }

        public decimal SpendBefore { get; set; }

        public DecisionOutcome? After { get; set; }

        public object? SimulatedGrant { get; set; }

        public decimal SimulatedAmount { get; set; }

        public decimal SpendAfter { get; set; }

        public void AddRecord(DecisionRecord record)
        {
            if (_first is null)
            {
                _first = record;
            }
            else
            {
                (_more ??= []).Add(record);
            }
        }

        /// <summary>Once the need is in its row its records are not listed: they can go.</summary>
        public void DropRecords()
        {
            _first = null;
            _more = null;
        }

        public string? UnreplayableReason { get; set; }
    }

    /// <summary>What a void of a grant in history needs of the need that grant closed.</summary>
    private struct HistoricGrant
    {
        /// <summary>The need's row; <see langword="null"/> when it could not be replayed.</summary>
        public Figures? Row;

        /// <summary>The need, when it could not be replayed: its voids join its records in the list.</summary>
        public Need? Unreplayable;

        /// <summary>The simulation's charge for the need, until it is voided; <see langword="null"/> when the simulation granted nothing.</summary>
        public object? Simulated;

        public decimal SimulatedAmount;

        /// <summary>Whether a void of the grant has been replayed: history's spend falls only once.</summary>
        public bool VoidedInHistory;
    }

    /// <summary>
    /// The needs' grants in history by grant id, for later voids: one entry per grant in history,
    /// the largest thing a replay keeps (720,000 of 1,000,000 records were grants in the measured
    /// history). The engine's grant ids (32 lower-case hexadecimal digits) are kept as a 128-bit
    /// number rather than a string, exactly, and any other id as it is.
    /// </summary>
    private sealed class HistoricGrants
    {
        private readonly Dictionary<UInt128, HistoricGrant> _engineIds = [];
        private readonly Dictionary<string, HistoricGrant> _otherIds = new(StringComparer.Ordinal);

        /// <summary>The entry for <paramref name="grantId"/>, emptied; a grant id seen again replaces the earlier one.</summary>
        public ref HistoricGrant Add(string grantId)
        {
            ref HistoricGrant entry = ref TryParse(grantId, out UInt128 number)
                ? ref CollectionsMarshal.GetValueRefOrAddDefault(_engineIds, number, out _)
                : ref CollectionsMarshal.GetValueRefOrAddDefault(_otherIds, grantId, out _);
            entry = default;
            return ref entry;
        }

        /// <summary>The entry for <paramref name="grantId"/>, or a null reference when history has no such grant.</summary>
        public ref HistoricGrant Find(string grantId) => ref TryParse(grantId, out UInt128 number)
            ? ref CollectionsMarshal.GetValueRefOrNullRef(_engineIds, number)
            : ref CollectionsMarshal.GetValueRefOrNullRef(_otherIds, grantId);

        /// <summary>Exactly 32 lower-case hexadecimal digits (as <c>GrantIds</c> writes them), so that no two ids share a number.</summary>
        private static bool TryParse(string grantId, out UInt128 number)
        {
            number = default;
            if (grantId.Length != 32)
            {
                return false;
            }

            foreach (char c in grantId)
            {
                if (!char.IsAsciiHexDigitLower(c))
                {
                    return false;
                }
            }

            return UInt128.TryParse(grantId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
        }
    }

    /// <summary>Running sums for one row or the totals.</summary>
    private sealed class Figures
    {
        private int _requests;
        private int _escalationsBefore;
        private int _escalationsAfter;
        private int _denialsBefore;
        private int _denialsAfter;
        private decimal _spendBefore;
        private decimal _spendAfter;

        public void Add(Need need)
        {
            _requests++;
            _escalationsBefore += need.Before == DecisionOutcome.RequiresApproval ? 1 : 0;
            _escalationsAfter += need.After == DecisionOutcome.RequiresApproval ? 1 : 0;
            _denialsBefore += need.Before == DecisionOutcome.Denied ? 1 : 0;
            _denialsAfter += need.After == DecisionOutcome.Denied ? 1 : 0;
            _spendBefore += need.SpendBefore;
            _spendAfter += need.SpendAfter;
        }

        public void AddSpend(decimal before, decimal after)
        {
            _spendBefore += before;
            _spendAfter += after;
        }

        public void Add(Figures other)
        {
            _requests += other._requests;
            _escalationsBefore += other._escalationsBefore;
            _escalationsAfter += other._escalationsAfter;
            _denialsBefore += other._denialsBefore;
            _denialsAfter += other._denialsAfter;
            _spendBefore += other._spendBefore;
            _spendAfter += other._spendAfter;
        }

        public WhatIfFigures ToFigures() => new()
        {
            Requests = _requests,
            EscalationsBefore = _escalationsBefore,
            EscalationsAfter = _escalationsAfter,
            DenialsBefore = _denialsBefore,
            DenialsAfter = _denialsAfter,
            SpendBefore = _spendBefore,
            SpendAfter = _spendAfter,
        };

        public WhatIfRow ToRow(string action, string role) => new()
        {
            Action = action,
            Role = role,
            Requests = _requests,
            EscalationsBefore = _escalationsBefore,
            EscalationsAfter = _escalationsAfter,
            DenialsBefore = _denialsBefore,
            DenialsAfter = _denialsAfter,
            SpendBefore = _spendBefore,
            SpendAfter = _spendAfter,
        };
    }

    private sealed class ActionRoleComparer : IEqualityComparer<(string Action, string Role)>
    {
        public static readonly ActionRoleComparer Instance = new();

        public bool Equals((string Action, string Role) x, (string Action, string Role) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Action, y.Action) && StringComparer.OrdinalIgnoreCase.Equals(x.Role, y.Role);

        public int GetHashCode((string Action, string Role) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Action), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Role));
    }

    /// <summary>The simulation's clock: stands still at the time of the record being replayed.</summary>
    private sealed class ReplayClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

        public void MoveTo(DateTimeOffset time) => _now = time.ToUniversalTime();

        public override DateTimeOffset GetUtcNow() => _now;
    }

    /// <summary>The simulation decides without writing to any log.</summary>
    private sealed class NullDecisionLog : IDecisionLog
    {
        public static readonly NullDecisionLog Instance = new();

        public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            yield break;
        }
    }

    /// <summary>Gives the simulated engine meters of its own name, so that a listener on the <c>CustomerCraft</c> meter never counts replayed decisions.</summary>
    private sealed class ReplayMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];
        private readonly Lock _gate = new();

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(ReplayMeterName, options.Version);
            lock (_gate)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                foreach (Meter meter in _meters)
                {
                    meter.Dispose();
                }

                _meters.Clear();
            }
        }
    }
}
