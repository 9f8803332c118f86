using CustomerCraft.Empowerment;

namespace CustomerCraft.Benchmarks;

/// <summary>Checks, before anything is measured, that the contenders decide the same and that the fast paths are the ones measured.</summary>
public static class Verification
{
    /// <summary>
    /// Decides every request with each contender and throws on the first disagreement, or when
    /// CustomerCraft's EvaluateAsync does not complete synchronously. Prints the outcome mix.
    /// </summary>
    public static void CheckSameOutcomes(ResolutionRequest[] requests, HandWrittenPolicy floor, IResolutionAuthority authority, RulesEnginePolicy? rulesEngine)
    {
        int[] outcomes = new int[3];
        int asynchronous = 0;
        for (int i = 0; i < requests.Length; i++)
        {
            ResolutionRequest request = requests[i];
            DecisionOutcome expected = floor.Evaluate(request);
            ValueTask<AuthorityDecision> pending = authority.EvaluateAsync(request);
            if (!pending.IsCompletedSuccessfully)
            {
                asynchronous++;
            }

            DecisionOutcome actual = Workload.Complete(pending).Outcome;
            if (actual != expected)
            {
                throw new InvalidOperationException($"Request {i} ({request.Role} {request.Action} {request.Amount} {request.CustomerSegment}): hand-written floor says {expected}, CustomerCraft says {actual}.");
            }

            if (rulesEngine is not null)
            {
                DecisionOutcome rules = rulesEngine.Evaluate(request);
                if (rules != expected)
                {
                    throw new InvalidOperationException($"Request {i} ({request.Role} {request.Action} {request.Amount} {request.CustomerSegment}): hand-written floor says {expected}, RulesEngine says {rules}.");
                }
            }

            outcomes[(int)expected]++;
        }

        if (asynchronous > 0)
        {
            throw new InvalidOperationException($"EvaluateAsync completed asynchronously for {asynchronous} of {requests.Length} requests; the synchronous measurement would not be honest.");
        }

        Console.WriteLine($"// Verified {requests.Length} requests: all contenders agree; {Describe(outcomes)}; EvaluateAsync completed synchronously every time.");
        if (rulesEngine is not null)
        {
            Console.WriteLine($"// RulesEngine ExecuteAllRulesAsync completed synchronously: {rulesEngine.CompletesSynchronously(requests[0])}.");
        }
    }

    /// <summary>Counts outcomes of <paramref name="authority"/> over the requests and checks synchronous completion.</summary>
    public static void CheckBudgeted(ResolutionRequest[] requests, IResolutionAuthority authority)
    {
        int[] outcomes = new int[3];
        int asynchronous = 0;
        int budgetChecksFailed = 0;
        int budgetOnly = 0;
        foreach (ResolutionRequest request in requests)
        {
            ValueTask<AuthorityDecision> pending = authority.EvaluateAsync(request);
            if (!pending.IsCompletedSuccessfully)
            {
                asynchronous++;
            }

            AuthorityDecision decision = Workload.Complete(pending);
            outcomes[(int)decision.Outcome]++;
            if (decision.Outcome != DecisionOutcome.Allowed && decision.Reasons.Any(r => !r.Passed && r.Limit is not null and not LimitKind.IncidentAmount))
            {
                budgetChecksFailed++;
                if (!decision.Reasons.Any(r => !r.Passed && (r.Kind != DecisionReasonKind.Limit || r.Limit == LimitKind.IncidentAmount)))
                {
                    budgetOnly++;
                }
            }
        }

        if (asynchronous > 0)
        {
            throw new InvalidOperationException($"EvaluateAsync completed asynchronously for {asynchronous} of {requests.Length} requests.");
        }

        Console.WriteLine($"// Budgeted evaluation of {requests.Length} requests: {Describe(outcomes)}; a count or cumulative budget failed for {budgetChecksFailed} of them, and was the only failed limit for {budgetOnly}; synchronous every time.");
    }

    private static string Describe(int[] outcomes) =>
        $"{outcomes[(int)DecisionOutcome.Allowed]} allowed, {outcomes[(int)DecisionOutcome.RequiresApproval]} require approval, {outcomes[(int)DecisionOutcome.Denied]} denied";
}
