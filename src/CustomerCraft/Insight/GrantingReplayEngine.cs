using CustomerCraft.Empowerment;

namespace CustomerCraft.Insight;

/// <summary>
/// The reference replay: every attempt goes through the engine's public <c>GrantAsync</c> and
/// <c>VoidAsync</c> (a grant record, an idempotency key of the simulation's own, the reservation's
/// own limit check). <see cref="ReservingReplayEngine"/> must give the same table; tests hold the
/// two side by side.
/// </summary>
internal sealed class GrantingReplayEngine(IResolutionAuthority authority) : IReplayEngine
{
    private const string VoidReason = "what-if replay of a void";

    private long _sequence;

    public async ValueTask<ReplayAttempt> GrantAsync(ResolutionRequest request, decimal amount, CancellationToken cancellationToken)
    {
        // Amounts as recorded, in the policy currency; a key of the simulation's own, so that a
        // retry's key or an approval reusing the refused attempt's key is a new grant here.
        GrantResult result = await authority.GrantAsync(
            request with { Amount = amount, Currency = null, IdempotencyKey = $"what-if/{++_sequence}" },
            cancellationToken).ConfigureAwait(false);
        return result.Grant is { } grant
            ? new ReplayAttempt(DecisionOutcome.Allowed, grant.GrantId, grant.Amount)
            : new ReplayAttempt(result.Decision!.Outcome, null, 0m);
    }

    public async ValueTask VoidAsync(object grant, CancellationToken cancellationToken) =>
        await authority.VoidAsync((string)grant, VoidReason, cancellationToken).ConfigureAwait(false);
}
