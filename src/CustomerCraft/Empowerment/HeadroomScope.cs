namespace CustomerCraft.Empowerment;

/// <summary>Which actions' headroom an evaluation works out (see <see cref="AuthorityDecision.Headroom"/>).</summary>
internal enum HeadroomScope
{
    /// <summary>
    /// Every action the policy configures: what an agent's "your headroom" table shows. The default.
    /// The evaluation reads every action's budgets; each action's headroom is worked out from that
    /// reading when <see cref="AuthorityDecision.Headroom"/> or <see cref="AuthorityDecision.GetHeadroom"/>
    /// is first read, so a caller that needs only the outcome pays about what <see cref="RequestedAction"/> costs.
    /// </summary>
    AllActions,

    /// <summary>
    /// Only the requested action: enough for the outcome, its reasons and the approver, and what
    /// grants use. <see cref="AuthorityDecision.GetHeadroom"/> returns <see langword="null"/> for other actions.
    /// </summary>
    RequestedAction,
}
