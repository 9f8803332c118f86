using CustomerCraft.Empowerment;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// The floor: the reference policy written by hand as an array lookup. It decides exactly what
/// CustomerCraft decides for the reference workload (checked request by request in the benchmarks'
/// setup), and nothing more: no validation, no headroom, no reasons, no ledger.
/// </summary>
public sealed class HandWrittenPolicy
{
    private const decimal PlatinumMultiplier = 1.5m;

    private readonly decimal[,] _limits = (decimal[,])Workload.IncidentLimits.Clone();
    private readonly int _roleCount = Workload.Roles.Length;

    /// <summary>Decides one request.</summary>
    public DecisionOutcome Evaluate(ResolutionRequest request)
    {
        if (IsFraudSuspected(request.ReasonCodes))
        {
            return DecisionOutcome.Denied;
        }

        int role = Workload.RoleIndex(request.Role);
        int action = Workload.ActionIndex(request.Action);
        bool platinum = string.Equals(request.CustomerSegment, "Platinum", StringComparison.OrdinalIgnoreCase);
        decimal amount = request.Amount;

        if (amount <= Limit(role, action, platinum))
        {
            return DecisionOutcome.Allowed;
        }

        // The lowest higher role whose limit covers the amount can approve it.
        for (int higher = role + 1; higher < _roleCount; higher++)
        {
            if (amount <= Limit(higher, action, platinum))
            {
                return DecisionOutcome.RequiresApproval;
            }
        }

        return DecisionOutcome.Denied;
    }

    private static bool IsFraudSuspected(IReadOnlyList<string>? codes)
    {
        if (codes is null)
        {
            return false;
        }

        for (int i = 0; i < codes.Count; i++)
        {
            if (string.Equals(codes[i], "FraudSuspected", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private decimal Limit(int role, int action, bool platinum)
    {
        decimal limit = _limits[role, action];
        return platinum ? limit * PlatinumMultiplier : limit;
    }
}
