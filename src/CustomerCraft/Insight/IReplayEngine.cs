using CustomerCraft.Empowerment;

namespace CustomerCraft.Insight;

/// <summary>
/// The simulated side of a what-if: decides each replayed attempt under the alternative policy at
/// the replay clock's time and, when it is allowed, charges its budgets. Used from one thread, in
/// time order.
/// </summary>
internal interface IReplayEngine
{
    /// <summary>Decides <paramref name="request"/> for <paramref name="amount"/> (in the policy currency) and charges it when allowed.</summary>
    /// <exception cref="ArgumentException">The alternative cannot evaluate the request (a role, action or approver it does not have).</exception>
    ValueTask<ReplayAttempt> GrantAsync(ResolutionRequest request, decimal amount, CancellationToken cancellationToken);

    /// <summary>Releases a charge <see cref="GrantAsync"/> made, at the replay clock's time.</summary>
    ValueTask VoidAsync(object grant, CancellationToken cancellationToken);
}

/// <summary>What the simulated engine answered to one attempt.</summary>
/// <param name="Outcome">The decision's outcome.</param>
/// <param name="Grant">The engine's handle on the charge when the attempt was granted (for <see cref="IReplayEngine.VoidAsync"/>); <see langword="null"/> otherwise.</param>
/// <param name="Amount">The amount granted, in the policy currency; zero when nothing was.</param>
internal readonly record struct ReplayAttempt(DecisionOutcome Outcome, object? Grant, decimal Amount);
