namespace CustomerCraft.AspNetCore;

/// <summary>
/// The values of the <c>code</c> extension on CustomerCraft's problem responses, so a client can
/// tell the errors apart without parsing titles.
/// </summary>
public static class ProblemCodes
{
    /// <summary>400: a field of the request is not valid; <c>errors</c> names it.</summary>
    public const string Validation = "validation";

    /// <summary>401: nobody is signed in.</summary>
    public const string NotAuthenticated = "not-authenticated";

    /// <summary>403: the signed-in user has no agent id or no configured role.</summary>
    public const string NoAgentIdentity = "no-agent-identity";

    /// <summary>404: the case does not exist.</summary>
    public const string CaseNotFound = "case-not-found";

    /// <summary>409: the case's state does not allow the move; <c>state</c> and <c>trigger</c> say which.</summary>
    public const string IllegalTransition = "illegal-transition";

    /// <summary>409: a case with the id already exists; retrying cannot help, so no <c>Retry-After</c>.</summary>
    public const string CaseExists = "case-exists";

    /// <summary>409: someone else changed the case first; read it again and retry (<c>Retry-After: 0</c>).</summary>
    public const string ConcurrencyConflict = "concurrency-conflict";

    /// <summary>403 (four-eyes rule, insufficient authority) or 422 (not needed, denied, no level): <c>reason</c> says which.</summary>
    public const string ApprovalRefused = "approval-refused";

    /// <summary>409: an idempotency key was reused for a different request.</summary>
    public const string IdempotencyConflict = "idempotency-conflict";

    /// <summary>500: CustomerCraft's configuration is not valid; the details are logged, not sent.</summary>
    public const string Configuration = "configuration";

    /// <summary>
    /// 403: an unsafe request (POST, PUT, PATCH, DELETE) that carries cookies came from another
    /// origin (or same-site, another port or subdomain), or gave no sign of its origin at all.
    /// See <see cref="CustomerCraftAspNetCoreOptions.RefuseCrossSiteRequests"/>.
    /// </summary>
    public const string CrossSiteRequest = "cross-site-request";
}
