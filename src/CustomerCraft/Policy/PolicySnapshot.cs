using System.Collections.Frozen;
using CustomerCraft.Identifiers;

namespace CustomerCraft.Policy;

/// <summary>
/// An immutable, compiled policy: the core every capability shares (its version, currency and time
/// zone, the role ladder, the actions and their units, the typed attribute schema) and the part each
/// capability compiled from it (the empowerment limits and conditions, the escalation ladder, the
/// coaching settings), swapped as one on reload. The core knows no capability: a part is found by
/// its type (<see cref="Part{T}"/>), and capabilities reach theirs through extension members.
/// Hot paths read only this: arrays indexed by role and action, precomputed paths, no locks.
/// </summary>
internal sealed class PolicySnapshot
{
    private object?[] _parts = [];

    /// <summary>The policy's content hash (see <see cref="PolicyVersion"/>).</summary>
    public required long Version { get; init; }

    /// <summary>The configuration path of the section the roles, actions and attributes come from (<c>CustomerCraft:Empowerment</c>).</summary>
    public required string Path { get; init; }

    public required string Currency { get; init; }

    public required int MinorUnits { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    public required DayOfWeek FirstDayOfWeek { get; init; }

    /// <summary>Roles ordered by rank, lowest first.</summary>
    public required RoleEntry[] Roles { get; init; }

    public required FrozenDictionary<string, int> RoleIndex { get; init; }

    /// <summary>
    /// Role names as configured, compared exactly: hosts almost always send them that way, and an
    /// exact lookup is cheaper. Only names that are plain ids (<see cref="IdRules.IsPlain"/>), so a
    /// request that finds its role here needs no id check.
    /// </summary>
    public FrozenDictionary<string, int> RoleIndexExact => field ??= PlainNames(RoleIndex);

    public required ActionEntry[] Actions { get; init; }

    public required FrozenDictionary<string, int> ActionIndex { get; init; }

    /// <summary>Action names as configured, compared exactly; plain ids only, as <see cref="RoleIndexExact"/>.</summary>
    public FrozenDictionary<string, int> ActionIndexExact => field ??= PlainNames(ActionIndex);

    /// <summary>The request attributes the policy reads, with their types.</summary>
    public required AttributeSchema Attributes { get; init; }

    /// <summary>The part a capability compiled. Parts are set before the snapshot is published and never changed after.</summary>
    public T Part<T>()
        where T : class
    {
        int slot = PolicyPart<T>.Slot;
        object?[] parts = _parts;
        return slot < parts.Length && parts[slot] is T part
            ? part
            : throw new InvalidOperationException($"The policy has no {typeof(T).Name}; its compiler is not registered.");
    }

    /// <summary>Sets a capability's part; only while the snapshot is being compiled.</summary>
    public void SetPart(object part)
    {
        int slot = PolicyPart.SlotOf(part.GetType());
        if (slot >= _parts.Length)
        {
            Array.Resize(ref _parts, slot + 1);
        }

        _parts[slot] = part;
    }

    private static FrozenDictionary<string, int> PlainNames(FrozenDictionary<string, int> names) =>
        names.Where(pair => IdRules.IsPlain(pair.Key)).ToFrozenDictionary(StringComparer.Ordinal);
}

/// <summary>Gives each part type its slot in a snapshot's parts, once per process.</summary>
internal static class PolicyPart
{
    private static readonly Dictionary<Type, int> s_slots = [];

    public static int SlotOf(Type type)
    {
        lock (s_slots)
        {
            if (!s_slots.TryGetValue(type, out int slot))
            {
                slot = s_slots.Count;
                s_slots.Add(type, slot);
            }

            return slot;
        }
    }
}

/// <summary>The slot of part type <typeparamref name="T"/>, read once.</summary>
internal static class PolicyPart<T>
{
    public static readonly int Slot = PolicyPart.SlotOf(typeof(T));
}

internal sealed record RoleEntry(string Name, string DisplayName, int Rank, bool IsBot, int Index);

internal sealed record ActionEntry(string Name, string DisplayName, string? Description, int Index)
{
    /// <summary>What the action's amounts count.</summary>
    public ActionUnit Unit { get; init; }

    /// <summary>The unit's name in reasons and headroom: the currency code, <c>grants</c>, or the quantity's name.</summary>
    public string UnitName { get; init; } = string.Empty;

    /// <summary>How many decimals an amount may have (the currency's minor units for money).</summary>
    public int Decimals { get; init; }

    public bool IsMoney => Unit == ActionUnit.Money;

    public bool IsCount => Unit == ActionUnit.Count;
}

/// <summary>What an action's amounts count.</summary>
internal enum ActionUnit : byte
{
    Money,
    Count,
    Quantity,
}
