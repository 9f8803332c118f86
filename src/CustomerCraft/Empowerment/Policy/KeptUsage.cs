namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// The usage of every budget a decision keeps so that every action's headroom can be worked out
/// when it is read (see <see cref="DecisionFacts.Usage"/>), packed into the smallest of three
/// layouts that holds every value exactly: 4 bytes a budget (an amount below 2^24 minor units and a
/// count below 2^8, the common case), 8 bytes (below 2^44 and 2^20), or the 16-byte
/// <see cref="MinorUsage"/> itself. A three-budget policy of five actions keeps 15 budgets, so the
/// packing is most of what the decision allocates beyond its own object (84 bytes instead of 264).
/// </summary>
internal readonly struct KeptUsage
{
    private const int SmallCountBits = 8;
    private const int SmallAmountBits = 32 - SmallCountBits;
    private const int MediumCountBits = 20;
    private const int MediumAmountBits = 64 - MediumCountBits;

    /// <summary>Every budget read was zero: nothing to keep.</summary>
    public static readonly KeptUsage AllZero = new(Array.Empty<uint>());

    // uint[], ulong[] or MinorUsage[]; null when no usage is kept (the default).
    private readonly Array? _values;

    private KeptUsage(Array values) => _values = values;

    /// <summary>Whether usage is kept (the decision was asked for every action's headroom).</summary>
    public bool IsKept => _values is not null;

    /// <summary>Bytes a budget takes in the layout chosen: 4, 8 or 16 (0 when nothing is kept or every budget was zero).</summary>
    internal int BytesPerBudget => _values switch
    {
        uint[] { Length: > 0 } => sizeof(uint),
        ulong[] => sizeof(ulong),
        MinorUsage[] => 16,
        _ => 0,
    };

    /// <summary>Packs <paramref name="usage"/> into the smallest layout that holds every value exactly.</summary>
    public static KeptUsage Pack(ReadOnlySpan<MinorUsage> usage)
    {
        if (usage.IsEmpty)
        {
            return AllZero;
        }

        // The widest amount and count, as unsigned: a negative value (never expected) takes the wide layout.
        ulong amounts = 0;
        ulong counts = 0;
        foreach (MinorUsage used in usage)
        {
            amounts |= (ulong)used.Amount;
            counts |= (ulong)(long)used.Count;
        }

        if (amounts < 1UL << SmallAmountBits && counts < 1UL << SmallCountBits)
        {
            uint[] small = new uint[usage.Length];
            for (int i = 0; i < small.Length; i++)
            {
                small[i] = ((uint)usage[i].Amount << SmallCountBits) | (uint)usage[i].Count;
            }

            return new KeptUsage(small);
        }

        if (amounts < 1UL << MediumAmountBits && counts < 1UL << MediumCountBits)
        {
            ulong[] medium = new ulong[usage.Length];
            for (int i = 0; i < medium.Length; i++)
            {
                medium[i] = ((ulong)usage[i].Amount << MediumCountBits) | (uint)usage[i].Count;
            }

            return new KeptUsage(medium);
        }

        return new KeptUsage(usage.ToArray());
    }

    /// <summary>
    /// Copies the budgets from <paramref name="start"/> into <paramref name="destination"/> (as many
    /// as it holds or as remain); every budget when all were zero (<see cref="AllZero"/>) reads as zero.
    /// </summary>
    public void CopyTo(int start, Span<MinorUsage> destination)
    {
        destination.Clear();
        switch (_values)
        {
            case uint[] small:
                for (int i = 0; i < destination.Length && start + i < small.Length; i++)
                {
                    uint packed = small[start + i];
                    destination[i] = new MinorUsage(packed >> SmallCountBits, (int)(packed & ((1U << SmallCountBits) - 1)));
                }

                break;
            case ulong[] medium:
                for (int i = 0; i < destination.Length && start + i < medium.Length; i++)
                {
                    ulong packed = medium[start + i];
                    destination[i] = new MinorUsage((long)(packed >> MediumCountBits), (int)(packed & ((1UL << MediumCountBits) - 1)));
                }

                break;
            case MinorUsage[] wide:
                ReadOnlySpan<MinorUsage> rest = wide.AsSpan(Math.Min(start, wide.Length));
                rest[..Math.Min(rest.Length, destination.Length)].CopyTo(destination);
                break;
        }
    }
}
