namespace CustomerCraft.Storage;

/// <summary>How a reservation ended.</summary>
public enum ReservationStatus
{
    /// <summary>The grant was recorded and every budget charged.</summary>
    Reserved,

    /// <summary>At least one charge would exceed its limit; nothing was recorded.</summary>
    LimitExceeded,

    /// <summary>The idempotency key was already used; <see cref="ReservationResult.Existing"/> is the earlier grant and nothing new was recorded.</summary>
    DuplicateIdempotencyKey,
}
