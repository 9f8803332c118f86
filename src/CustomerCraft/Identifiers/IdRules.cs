using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CustomerCraft.Identifiers;

/// <summary>
/// The one rule for ids: what a valid id is, and when two ids are the same. Every place that
/// compares ids (four-eyes, budgets, the idempotency check of a retried grant, case ownership) goes
/// through it, so that no spelling of an id escapes a rule another spelling is held to.
/// Resolve it from dependency injection; hosts use <see cref="AreSame"/> for their own ownership
/// checks.
/// </summary>
/// <remarks>
/// A valid id is non-empty, has no leading or trailing white space and no control character (NUL
/// included), and is well-formed UTF-16 (no lone surrogate). Such ids are refused with an
/// <see cref="ArgumentException"/> naming the field before any store is reached: PostgreSQL rejects
/// NUL and lone surrogates with errors that name no field, SQLite stores them, and an id with a
/// trailing space would otherwise be a second agent with a fresh budget. No Unicode normalization
/// is applied: hosts that accept ids in several normalization forms normalize them first.
/// </remarks>
public sealed class IdRules
{
    /// <summary>The rule CustomerCraft uses unless configured otherwise: <see cref="IdComparison.IgnoreCase"/>.</summary>
    public static IdRules Default { get; } = new(IdComparison.IgnoreCase);

    /// <summary>Creates the rule for <paramref name="comparison"/>.</summary>
    /// <param name="comparison">How ids are compared.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="comparison"/> is not a defined value.</exception>
    public IdRules(IdComparison comparison)
    {
        Comparer = comparison switch
        {
            IdComparison.IgnoreCase => StringComparer.OrdinalIgnoreCase,
            IdComparison.Exact => StringComparer.Ordinal,
            _ => throw new ArgumentOutOfRangeException(nameof(comparison), comparison, $"IdComparison {comparison} is not defined; use IgnoreCase or Exact."),
        };
        Comparison = comparison;
    }

    /// <summary>How ids are compared.</summary>
    public IdComparison Comparison { get; }

    /// <summary>The comparer that implements <see cref="Comparison"/>, for dictionaries and sets keyed by id.</summary>
    public StringComparer Comparer { get; }

    /// <summary>Whether two ids name the same agent, customer, incident or case; <see langword="null"/> equals only <see langword="null"/>.</summary>
    /// <param name="first">One id.</param>
    /// <param name="second">The other id.</param>
    /// <returns><see langword="true"/> when the ids are the same under <see cref="Comparison"/>.</returns>
    public bool AreSame(string? first, string? second) => Comparer.Equals(first, second);

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="field"/> unless <paramref name="value"/> is a valid id.</summary>
    /// <param name="value">The id.</param>
    /// <param name="field">The field the id came from, for example <c>request.AgentId</c>; the exception's parameter name.</param>
    /// <exception cref="ArgumentException">The id is missing, empty, padded with white space, or holds a control character or a lone surrogate.</exception>
    public static void Validate(string? value, string field)
    {
        // Nearly every id is plain: one vectorised scan settles it, instead of the three character
        // loops below, which find and name what is wrong with the others.
        if (IsPlain(value))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field} is required and must not be empty or white space.", field);
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            throw new ArgumentException($"{field} '{Printable(value)}' starts or ends with white space; send the id without it.", field);
        }

        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field} '{Printable(value)}' holds the control character U+{(int)value[i]:X4} at position {i}; ids are printable text."), field);
            }
        }

        RequireWellFormed(value, field);
    }

    /// <summary>
    /// Whether <paramref name="value"/> is a valid id made of printable ASCII only (nearly every id
    /// is), which a vectorised scan can tell; <see langword="false"/> says nothing about other ids.
    /// </summary>
    internal static bool IsPlain([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 } && value[0] != ' ' && value[^1] != ' ' && value.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0;

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming <paramref name="field"/> if free text (a note,
    /// a reason, an idempotency key) holds a NUL character or a lone surrogate, which no store keeps
    /// faithfully. Line breaks and tabs are allowed; <see langword="null"/> is allowed.
    /// </summary>
    internal static void ValidateText(string? value, string field)
    {
        // One vectorised scan settles nearly all text: nothing below U+0001 (NUL) and nothing from
        // U+D800 up (surrogates, and the rarer characters above them, which the checks below sort out).
        if (value is null || value.AsSpan().IndexOfAnyExceptInRange('\u0001', '\uD7FF') < 0)
        {
            return;
        }

        int nul = value.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field} holds a NUL character (U+0000) at position {nul}; no store keeps it."), field);
        }

        // Text with no surrogate at all (almost all of it) is well-formed: one vectorised scan.
        if (value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
        {
            RequireWellFormed(value, field);
        }
    }

    /// <summary>
    /// The form of an id under which budgets are kept: equal for ids that <see cref="AreSame"/>
    /// calls the same, so every store, whatever its own collation, keys one agent's budget once.
    /// The id itself is kept as sent in grants, cases and the decision log.
    /// </summary>
    internal string Key(string id)
    {
        if (Comparison == IdComparison.Exact)
        {
            return id;
        }

        // OrdinalIgnoreCase compares the invariant upper-case forms, so this key agrees with it;
        // an ASCII id already in upper case (most customer and ticket ids) costs no allocation.
        foreach (char c in id)
        {
            if (c is (>= 'a' and <= 'z') or > '\u007F')
            {
                return id.ToUpperInvariant();
            }
        }

        return id;
    }

    private static void RequireWellFormed(string value, string field)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field} holds a lone surrogate (U+{(int)c:X4}) at position {i}; send well-formed UTF-16 text."), field);
            }
        }
    }

    private static string Printable(string value)
    {
        var text = new System.Text.StringBuilder(Math.Min(value.Length, 64));
        foreach (char c in value.Length > 64 ? value[..64] : value)
        {
            text.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        }

        return value.Length > 64 ? text.Append("...").ToString() : text.ToString();
    }
}
