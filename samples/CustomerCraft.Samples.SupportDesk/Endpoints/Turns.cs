using CustomerCraft.Coaching;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

internal static class Turns
{
    /// <summary>
    /// The library's turns. A turn without a time gets the server's clock, one millisecond apart so
    /// their order survives; bad text is refused by the library, which names the field.
    /// </summary>
    public static List<Turn> From(IReadOnlyList<TurnBody>? turns, TimeProvider time)
    {
        DateTimeOffset now = time.GetUtcNow();
        var result = new List<Turn>(turns?.Count ?? 0);
        for (int i = 0; i < (turns?.Count ?? 0); i++)
        {
            TurnBody turn = turns![i];
            result.Add(new Turn(turn.Speaker, turn.Text!, turn.At ?? now.AddMilliseconds(i - turns.Count)));
        }

        return result;
    }
}
