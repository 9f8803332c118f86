using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Tests.Escalation;

/// <summary>Hosts whose case store and ledger can be made to fail.</summary>
internal static class Faults
{
    /// <summary>Swaps in <see cref="FaultyCaseStore"/> and <see cref="FaultyLedger"/>.</summary>
    public static void Inject(ICustomerCraftBuilder builder) => builder.UseCaseStore<FaultyCaseStore>().UseBudgetLedger<FaultyLedger>();

    public static FaultyCaseStore FaultyStore(this TestHost host) => (FaultyCaseStore)host.Services.GetRequiredService<ICaseStore>();

    public static FaultyLedger FaultyLedger(this TestHost host) => (FaultyLedger)host.Services.GetRequiredService<IBudgetLedger>();
}

/// <summary>The in-memory case store with switchable failures around its saves.</summary>
internal sealed class FaultyCaseStore : ICaseStore
{
    private readonly InMemoryCaseStore _inner = new();

    /// <summary>The next save throws without saving.</summary>
    public bool FailNextSave { get; set; }

    /// <summary>The next save is stored and then throws (a timeout after the commit).</summary>
    public bool FailAfterNextSave { get; set; }

    /// <summary>After the next save, reads fail too (until <see cref="FailReads"/> is reset).</summary>
    public bool FailReadsAfterSave { get; set; }

    /// <summary>Reads fail (for checking what the workflow does when it cannot tell).</summary>
    public bool FailReads { get; set; }

    public ValueTask<SupportCase?> FindAsync(string caseId, CancellationToken cancellationToken = default) =>
        FailReads ? throw new TimeoutException("store unavailable (injected)") : _inner.FindAsync(caseId, cancellationToken);

    public ValueTask CreateAsync(SupportCase supportCase, CancellationToken cancellationToken = default) => _inner.CreateAsync(supportCase, cancellationToken);

    public async ValueTask SaveAsync(SupportCase supportCase, long expectedVersion, CancellationToken cancellationToken = default)
    {
        if (FailNextSave)
        {
            FailNextSave = false;
            throw new IOException("disk full (injected)");
        }

        await _inner.SaveAsync(supportCase, expectedVersion, cancellationToken);
        if (FailAfterNextSave)
        {
            FailAfterNextSave = false;
            FailReads |= FailReadsAfterSave;
            throw new TimeoutException("the commit's acknowledgement was lost (injected)");
        }
    }

    public ValueTask<IReadOnlyList<SupportCase>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default) =>
        _inner.ClaimDueAsync(now, maxCount, lease, cancellationToken);

    public ValueTask<IReadOnlyList<SupportCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);
}

/// <summary>The in-memory ledger whose reservations can be made to fail.</summary>
internal sealed class FaultyLedger : IBudgetLedger
{
    private readonly InMemoryBudgetLedger _inner = new();

    public bool FailReservations { get; set; }

    public ValueTask ReadUsageAsync(ReadOnlyMemory<BudgetQuery> queries, Memory<BudgetUsage> usage, CancellationToken cancellationToken = default) =>
        _inner.ReadUsageAsync(queries, usage, cancellationToken);

    public ValueTask<ReservationResult> TryReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) =>
        FailReservations ? throw new IOException("ledger unavailable (injected)") : _inner.TryReserveAsync(reservation, cancellationToken);

    public ValueTask<GrantRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        _inner.FindByIdempotencyKeyAsync(idempotencyKey, cancellationToken);

    public ValueTask<GrantRecord?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default) => _inner.FindGrantAsync(grantId, cancellationToken);

    public ValueTask<GrantRecord?> VoidAsync(string grantId, DateTimeOffset voidedAt, string reason, CancellationToken cancellationToken = default) =>
        _inner.VoidAsync(grantId, voidedAt, reason, cancellationToken);

    /// <summary>Every grant made for the approval, active or voided.</summary>
    public async Task<List<GrantRecord>> GrantsForApprovalAsync(string approvalId)
    {
        var grants = new List<GrantRecord>();
        for (int attempt = 0; attempt < 8; attempt++)
        {
            if (await _inner.FindByIdempotencyKeyAsync($"approval:{approvalId}:{attempt}") is { } grant)
            {
                grants.Add(grant);
            }
        }

        return grants;
    }
}
