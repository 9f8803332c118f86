namespace CustomerCraft.Empowerment;

/// <summary>Which actions' headroom an evaluation works out (see <see cref="AuthorityDecision.Headroom"/>).</summary>
internal enum HeadroomScope
{
    /// <summary>Every action the policy configures: what an agent's "your headroom" table shows. The default.</summary>
    AllActions,

    /// <summary>
    /// Only the requested action: enough for the outcome, its reasons and the approver, and what
    /// grants use. <see cref="AuthorityDecision.GetHeadroom"/> returns <see langword="null"/> for other actions.
    /// </summary>
    RequestedAction,
}
