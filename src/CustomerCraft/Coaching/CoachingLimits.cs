using System.Globalization;

namespace CustomerCraft.Coaching;

/// <summary>
/// The caps on what coaching accepts (<see cref="CoachingOptions.MaxTurns"/>,
/// <see cref="CoachingOptions.MaxTurnLength"/>), checked where an interaction or a live turn comes
/// in: scoring reads each turn against earlier ones, so an unbounded transcript is an unbounded
/// amount of work for whoever can send one.
/// </summary>
internal sealed class CoachingLimits(int maxTurns, int maxTurnLength)
{
    public static CoachingLimits Default { get; } = new(CoachingOptions.DefaultMaxTurns, CoachingOptions.DefaultMaxTurnLength);

    public int MaxTurns { get; } = maxTurns;

    public int MaxTurnLength { get; } = maxTurnLength;

    public static CoachingLimits From(CoachingOptions? options) =>
        options is null ? Default : new(options.MaxTurns, options.MaxTurnLength);

    public void CheckInteraction(Interaction interaction)
    {
        IReadOnlyList<Turn> turns = interaction.Turns;
        if (turns.Count > MaxTurns)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"interaction.Turns has {turns.Count} turns; CustomerCraft:Coaching:MaxTurns allows {MaxTurns}."),
                "interaction.Turns");
        }

        for (int i = 0; i < turns.Count; i++)
        {
            CheckTurn(turns[i], i, "interaction.Turns");
        }
    }

    /// <summary>Checks the turn that would be number <paramref name="index"/> (from 0) of a conversation.</summary>
    public void CheckTurn(Turn? turn, int index, string paramName)
    {
        if (index >= MaxTurns)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{paramName}: turn {index + 1} is one too many; CustomerCraft:Coaching:MaxTurns allows {MaxTurns}."),
                paramName);
        }

        if (turn?.Text is { Length: int length } && length > MaxTurnLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{paramName}[{index}].Text is {length} characters long; CustomerCraft:Coaching:MaxTurnLength allows {MaxTurnLength}."),
                paramName);
        }
    }
}
