namespace CustomerCraft.Empowerment;

/// <summary>
/// Answers "may this agent do this for this customer, now?" and grants what is allowed.
/// Resolve it from the container; it is a thread-safe singleton.
/// </summary>
public interface IResolutionAuthority
{
    /// <summary>
    /// Evaluates a request against the current policy and budgets, without side effects: nothing
    /// is reserved or recorded.
    /// </summary>
    /// <param name="request">The proposed resolution.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The decision, its reasons and the agent's headroom.</returns>
    /// <exception cref="ArgumentException">The request is malformed: a missing id, a zero or negative amount, an unknown action or role, too many decimals, or a currency that cannot be converted.</exception>
    ValueTask<AuthorityDecision> EvaluateAsync(ResolutionRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-evaluates the request and, when it is allowed, reserves its amount against every budget
    /// it touches, atomically. Safe to retry with the same <see cref="ResolutionRequest.IdempotencyKey"/>:
    /// the first grant is returned and nothing is charged again.
    /// </summary>
    /// <param name="request">The resolution to grant; <see cref="ResolutionRequest.IdempotencyKey"/> is required.</param>
    /// <param name="cancellationToken">Cancels the grant.</param>
    /// <returns>The grant, or the decision that refused it.</returns>
    /// <exception cref="ArgumentException">The request is malformed, has no idempotency key, or names the requester as its own approver.</exception>
    /// <exception cref="IdempotencyConflictException">The idempotency key was used before for a different request.</exception>
    ValueTask<GrantResult> GrantAsync(ResolutionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Voids a grant and releases what it charged. Voiding a voided grant returns it unchanged.</summary>
    /// <param name="grantId">The grant's id.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the void.</param>
    /// <returns>The voided grant.</returns>
    /// <exception cref="KeyNotFoundException">No grant has that id.</exception>
    ValueTask<GrantRecord> VoidAsync(string grantId, string reason, CancellationToken cancellationToken = default);
}

/// <summary>The result of <see cref="IResolutionAuthority.GrantAsync"/>.</summary>
public sealed class GrantResult
{
    internal GrantResult(GrantRecord? grant, AuthorityDecision? decision, bool isReplay)
    {
        Grant = grant;
        Decision = decision;
        IsReplay = isReplay;
    }

    /// <summary>
    /// <see langword="true"/> when the resolution stands granted (now, or by an earlier call with the
    /// same key). A retry of a grant that has since been voided returns that grant with
    /// <see cref="IsGranted"/> false: it must not be paid out again.
    /// </summary>
    public bool IsGranted => Grant is { IsVoided: false };

    /// <summary>The grant (possibly voided, for a replay); <see langword="null"/> when the request was not allowed.</summary>
    public GrantRecord? Grant { get; }

    /// <summary>
    /// The decision this call made. <see langword="null"/> for a replay (<see cref="IsReplay"/>): the
    /// original decision was made by the first call, and <see cref="Grant"/> records its result.
    /// </summary>
    public AuthorityDecision? Decision { get; }

    /// <summary><see langword="true"/> when the idempotency key had been granted before and nothing was charged now.</summary>
    public bool IsReplay { get; }
}

/// <summary>
/// Thrown when an idempotency key is reused for a request that differs from the one it was first
/// granted for: a retry must send the same request.
/// </summary>
public sealed class IdempotencyConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyConflictException(string idempotencyKey, string existingGrantId, string difference)
        : base($"Idempotency key '{idempotencyKey}' was already used for grant '{existingGrantId}' with a different request ({difference}). Use a new key for a new request.")
    {
        IdempotencyKey = idempotencyKey;
        ExistingGrantId = existingGrantId;
    }

    /// <summary>The reused key.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The grant the key belongs to.</summary>
    public string ExistingGrantId { get; }
}
