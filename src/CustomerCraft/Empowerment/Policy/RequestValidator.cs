using System.Globalization;
using CustomerCraft.Policy;
using CustomerCraft.Identifiers;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Rejects malformed requests with an <see cref="ArgumentException"/> that names the field. A bad
/// request is a programming or data error in the host, never a business "no", so it is never
/// reported as <see cref="DecisionOutcome.Denied"/>.
/// </summary>
internal static class RequestValidator
{
    public static void Validate(ResolutionRequest request, PolicySnapshot snapshot, IdRules ids, bool canConvertCurrency, out int role, out int action, out int approverRole)
    {
        ArgumentNullException.ThrowIfNull(request);
        IdRules.Validate(request.AgentId, "request.AgentId");
        IdRules.Validate(request.CustomerId, "request.CustomerId");
        IdRules.Validate(request.IncidentId, "request.IncidentId");
        // A role or action spelled exactly as configured is a valid name already: the common case
        // skips the id checks, which other spellings still get before the case-blind lookup.
        role = -1;
        action = -1;
        bool roleExact = request.Role is not null && snapshot.RoleIndexExact.TryGetValue(request.Role, out role);
        if (!roleExact)
        {
            IdRules.Validate(request.Role, "request.Role");
        }

        bool actionExact = request.Action is not null && snapshot.ActionIndexExact.TryGetValue(request.Action, out action);
        if (!actionExact)
        {
            IdRules.Validate(request.Action, "request.Action");
        }

        RequireText(request);

        if (!roleExact && !snapshot.RoleIndex.TryGetValue(request.Role!, out role))
        {
            throw new ArgumentException($"Role '{request.Role}' is not configured; configured roles: {string.Join(", ", snapshot.Roles.Select(r => r.Name))}.", "request.Role");
        }

        if (!actionExact && !snapshot.ActionIndex.TryGetValue(request.Action!, out action))
        {
            throw new ArgumentException($"Action '{request.Action}' is not configured; configured actions: {string.Join(", ", snapshot.Actions.Select(a => a.Name))}.", "request.Action");
        }

        ValidateAmount(request, snapshot, snapshot.Actions[action], canConvertCurrency);

        approverRole = -1;
        if (request.Approver is { } approver)
        {
            IdRules.Validate(approver.ApproverId, "request.Approver.ApproverId");
            IdRules.Validate(approver.Role, "request.Approver.Role");
            if (!snapshot.RoleIndex.TryGetValue(approver.Role, out approverRole))
            {
                throw new ArgumentException($"Approver role '{approver.Role}' is not configured.", "request.Approver.Role");
            }

            if (ids.AreSame(approver.ApproverId, request.AgentId))
            {
                throw new ArgumentException($"Agent '{request.AgentId}' cannot approve their own request (four-eyes rule).", "request.Approver.ApproverId");
            }

            if (snapshot.Roles[approverRole].IsBot)
            {
                throw new ArgumentException($"Approver role '{approver.Role}' is a bot; bots never approve.", "request.Approver.Role");
            }

            // An approver ranks above the requester. A peer in the same role may approve only at
            // the top of the ladder for the action, where nobody ranks above.
            int approverRank = snapshot.Roles[approverRole].Rank;
            int requesterRank = snapshot.Roles[role].Rank;
            bool peerAtTop = approverRole == role && snapshot.TopHumanRole[action] == role;
            if (approverRank < requesterRank || (approverRank == requesterRank && !peerAtTop))
            {
                throw new ArgumentException(
                    $"Approver role '{approver.Role}' (rank {approverRank}) does not rank above the requester's role '{request.Role}' (rank {requesterRank}); an approval must come from higher up (or from a peer only at the top of the ladder for {snapshot.Actions[action].Name}).",
                    "request.Approver.Role");
            }
        }
    }

    /// <summary>An amount that suits the action's unit: money in a currency's minor units, a quantity in its decimals, nothing for a counted action.</summary>
    private static void ValidateAmount(ResolutionRequest request, PolicySnapshot snapshot, ActionEntry action, bool canConvertCurrency)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        string? currency = request.Currency;
        if (action.IsCount)
        {
            if (request.Amount != 0)
            {
                throw new ArgumentOutOfRangeException("request.Amount", request.Amount, $"{action.Name} is counted (Unit Count), so a request carries no amount; got {request.Amount.ToString(inv)}. Leave Amount at 0.");
            }

            RejectCurrency(action, currency);
            return;
        }

        // Money in the policy currency, or a quantity with no currency: the common requests.
        bool plainUnit = action.IsMoney
            ? currency is null || string.Equals(currency, snapshot.Currency, StringComparison.OrdinalIgnoreCase)
            : currency is null;
        if (plainUnit && IsPlainAmount(request.Amount, action.IsMoney ? snapshot.MinorUnits : action.Decimals))
        {
            // Nearly every amount: positive, at most the largest handled, with no more decimals than
            // the unit has, read from the decimal's bits with no decimal arithmetic. Anything else
            // takes the checks below, which name what is wrong.
            return;
        }

        if (request.Amount <= 0)
        {
            throw new ArgumentOutOfRangeException("request.Amount", request.Amount, $"Amount must be greater than zero; got {request.Amount.ToString(inv)}.");
        }

        if (request.Amount > EmpowermentCompiler.MaxAmount)
        {
            throw new ArgumentOutOfRangeException("request.Amount", request.Amount, $"Amount {request.Amount.ToString(inv)} is larger than any resolution CustomerCraft handles ({EmpowermentCompiler.MaxAmount.ToString(inv)}).");
        }

        if (!action.IsMoney)
        {
            RejectCurrency(action, currency);
            if (!Iso4217.FitsMinorUnits(request.Amount, action.Decimals))
            {
                throw new ArgumentException($"Amount {request.Amount.ToString(inv)} has more than {action.Decimals} decimals, which {action.Name} ({action.UnitName}) allows.", "request.Amount");
            }

            return;
        }

        int minorUnits = snapshot.MinorUnits;
        if (currency is not null && !string.Equals(currency, snapshot.Currency, StringComparison.OrdinalIgnoreCase))
        {
            if (!Iso4217.TryGetMinorUnits(currency.ToUpperInvariant(), out minorUnits))
            {
                throw new ArgumentException($"Currency '{currency}' is not an ISO 4217 currency code.", "request.Currency");
            }

            if (!canConvertCurrency)
            {
                throw new ArgumentException($"Currency '{currency}' differs from the policy currency {snapshot.Currency} and no ICurrencyConverter is registered; send amounts in {snapshot.Currency} or register a converter with UseCurrencyConverter<T>().", "request.Currency");
            }
        }

        if (!Iso4217.FitsMinorUnits(request.Amount, minorUnits))
        {
            throw new ArgumentException($"Amount {request.Amount.ToString(inv)} has more than {minorUnits} decimals, which {currency?.ToUpperInvariant() ?? snapshot.Currency} allows.", "request.Amount");
        }
    }

    /// <summary>
    /// Whether <paramref name="amount"/> is greater than zero, at most <see cref="EmpowermentCompiler.MaxAmount"/>
    /// and has at most <paramref name="decimals"/> decimals as written (its scale), from its bits alone;
    /// <see langword="false"/> says nothing about other amounts (1.50 with two decimals allowed and a scale of 3 is still valid).
    /// </summary>
    private static bool IsPlainAmount(decimal amount, int decimals)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(amount, bits);
        int scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0 || bits[2] != 0 || scale > decimals || scale > MaxByScale.Length - 1)
        {
            return false;
        }

        ulong mantissa = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        return mantissa != 0 && mantissa <= MaxByScale[scale];
    }

    /// <summary><see cref="EmpowermentCompiler.MaxAmount"/> (10^12) as a mantissa at each scale up to 7 (10^19 fits no further).</summary>
    private static readonly ulong[] MaxByScale =
    [
        1_000_000_000_000UL, 10_000_000_000_000UL, 100_000_000_000_000UL, 1_000_000_000_000_000UL,
        10_000_000_000_000_000UL, 100_000_000_000_000_000UL, 1_000_000_000_000_000_000UL, 10_000_000_000_000_000_000UL,
    ];

    private static void RejectCurrency(ActionEntry action, string? currency)
    {
        if (currency is not null)
        {
            throw new ArgumentException($"{action.Name} is measured in {action.UnitName}, not money; send no Currency.", "request.Currency");
        }
    }

    /// <summary>
    /// The reason codes as a span when the list is an array or a <see cref="List{T}"/> (what callers
    /// and the JSON deserializer give), so the hot path reads them without an interface call per code;
    /// <see langword="false"/> for any other list (read it through the interface) or none.
    /// </summary>
    internal static bool AsSpan(IReadOnlyList<string>? codes, out ReadOnlySpan<string?> span)
    {
        if (codes is not null && codes.GetType() == typeof(string[]))
        {
            span = System.Runtime.CompilerServices.Unsafe.As<string[]>(codes);
            return true;
        }

        if (codes is not null && codes.GetType() == typeof(List<string>))
        {
            span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(System.Runtime.CompilerServices.Unsafe.As<List<string>>(codes))!;
            return true;
        }

        span = default;
        return false;
    }

    /// <summary>The free text a request carries reaches the decision log, whose stores refuse NUL and lone surrogates.</summary>
    private static void RequireText(ResolutionRequest request)
    {
        IdRules.ValidateText(request.IdempotencyKey, "request.IdempotencyKey");
        IdRules.ValidateText(request.Currency, "request.Currency");
        IdRules.ValidateText(request.CustomerSegment, "request.CustomerSegment");
        IdRules.ValidateText(request.Channel, "request.Channel");
        if (AsSpan(request.ReasonCodes, out ReadOnlySpan<string?> span))
        {
            foreach (string? code in span)
            {
                IdRules.ValidateText(code, "request.ReasonCodes");
            }
        }
        else if (request.ReasonCodes is { } codes)
        {
            for (int i = 0; i < codes.Count; i++)
            {
                IdRules.ValidateText(codes[i], "request.ReasonCodes");
            }
        }

        // A Dictionary is walked with its struct enumerator: the hot path allocates nothing for it.
        if (request.Attributes is Dictionary<string, string> dictionary)
        {
            foreach (KeyValuePair<string, string> attribute in dictionary)
            {
                ValidateAttribute(attribute);
            }
        }
        else if (request.Attributes is { } attributes)
        {
            foreach (KeyValuePair<string, string> attribute in attributes)
            {
                ValidateAttribute(attribute);
            }
        }

        static void ValidateAttribute(KeyValuePair<string, string> attribute)
        {
            IdRules.ValidateText(attribute.Key, "request.Attributes");
            IdRules.ValidateText(attribute.Value, "request.Attributes");
        }
    }
}
