namespace CustomerCraft.Empowerment;

/// <summary>
/// A proposed resolution: who wants to do what, for which customer and incident, and the
/// context conditions look at. The same request is evaluated and granted; a retry of a grant
/// sends the same request with the same <see cref="IdempotencyKey"/>.
/// </summary>
public sealed record ResolutionRequest
{
    /// <summary>The id of the agent (person or bot) who proposes the resolution and owns the customer.</summary>
    public required string AgentId { get; init; }

    /// <summary>The agent's role, a key of <c>CustomerCraft:Empowerment:Roles</c>.</summary>
    public required string Role { get; init; }

    /// <summary>The customer the resolution is for.</summary>
    public required string CustomerId { get; init; }

    /// <summary>The incident (ticket, case, order problem) the resolution settles.</summary>
    public required string IncidentId { get; init; }

    /// <summary>The action, a key of <c>CustomerCraft:Empowerment:Actions</c>, for example <c>Refund</c>.</summary>
    public required string Action { get; init; }

    /// <summary>
    /// The amount in the action's unit: money (greater than zero, with no more decimals than the currency
    /// has), a named quantity such as days (greater than zero), or 0 for a counted action.
    /// </summary>
    public decimal Amount { get; init; }

    /// <summary>The ISO 4217 currency of a money <see cref="Amount"/>; <see langword="null"/> means the policy's currency. Not allowed for other units.</summary>
    public string? Currency { get; init; }

    /// <summary>The customer's segment, for example <c>Platinum</c>; tests read it as the attribute <c>CustomerSegment</c>.</summary>
    public string? CustomerSegment { get; init; }

    /// <summary>The contact channel, for example <c>Phone</c> or <c>Chat</c>; tests read it as the attribute <c>Channel</c>.</summary>
    public string? Channel { get; init; }

    /// <summary>Reason codes for the resolution, for example <c>LateDelivery</c> or <c>FraudSuspected</c>.</summary>
    public IReadOnlyList<string>? ReasonCodes { get; init; }

    /// <summary>When the customer became a customer; tests read it as the date-time attribute <c>CustomerSince</c>.</summary>
    public DateTimeOffset? CustomerSince { get; init; }

    /// <summary>
    /// The attributes the policy declares (under <c>Empowerment:Attributes</c>), as text: numbers with a
    /// dot (<c>12.5</c>), <c>true</c>/<c>false</c>, ISO 8601 date-times. Each is checked against its declared
    /// type and set of values; host conditions may read others too.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>
    /// A caller-chosen key that makes <see cref="IResolutionAuthority.GrantAsync"/> safe to retry.
    /// Required for grants; ignored by evaluation.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// Set when the grant is made under an approver's authority (after an approval): the
    /// approver's limits apply and the approver's own per-agent budget is charged.
    /// </summary>
    public ApproverAuthority? Approver { get; init; }
}

/// <summary>The approver under whose authority a request is granted.</summary>
/// <param name="ApproverId">The approver's id; must differ from the requesting agent's (four-eyes).</param>
/// <param name="Role">The approver's role, a key of <c>CustomerCraft:Empowerment:Roles</c>.</param>
public sealed record ApproverAuthority(string ApproverId, string Role);
