using System.Collections.Frozen;

namespace CustomerCraft.Coaching.Scoring;

/// <summary>Where a phrase group was first found in a message.</summary>
/// <param name="Token">The word position the phrase starts at.</param>
/// <param name="Phrase">The phrase as configured; <see langword="null"/> when the group was not found.</param>
internal readonly record struct PhraseHit(int Token, string? Phrase)
{
    public bool Found => Phrase is not null;
}

/// <summary>
/// Every configured phrase of every group, indexed by its first word, so a message is matched
/// against all of them in one pass over its words. Longer phrases are tried first at a position.
/// </summary>
internal sealed class PhraseIndex
{
    private readonly FrozenDictionary<ulong, Entry[]> _byFirstWord;

    public PhraseIndex(IEnumerable<(int Group, string Phrase)> phrases, int groupCount)
    {
        GroupCount = groupCount;
        var byFirst = new Dictionary<ulong, List<Entry>>();
        foreach ((int group, string phrase) in phrases)
        {
            ulong[] words = TextTokens.Phrase(phrase);
            if (words.Length == 0)
            {
                continue;
            }

            if (!byFirst.TryGetValue(words[0], out List<Entry>? entries))
            {
                byFirst[words[0]] = entries = [];
            }

            entries.Add(new Entry(words, phrase, group));
        }

        _byFirstWord = byFirst.ToFrozenDictionary(
            pair => pair.Key,
            pair => pair.Value.OrderByDescending(e => e.Words.Length).ToArray());
    }

    public int GroupCount { get; }

    /// <summary>Fills <paramref name="firstByGroup"/> (one slot per group) with each group's first match in <paramref name="tokens"/>.</summary>
    public void Match(TextTokens tokens, PhraseHit[] firstByGroup)
    {
        ulong[] hashes = tokens.Hashes;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (!_byFirstWord.TryGetValue(hashes[i], out Entry[]? entries))
            {
                continue;
            }

            foreach (Entry entry in entries)
            {
                if (firstByGroup[entry.Group].Found || i + entry.Words.Length > tokens.Count)
                {
                    continue;
                }

                bool match = true;
                for (int w = 1; w < entry.Words.Length; w++)
                {
                    if (hashes[i + w] != entry.Words[w])
                    {
                        match = false;
                        break;
                    }
                }

                if (match)
                {
                    firstByGroup[entry.Group] = new PhraseHit(i, entry.Text);
                }
            }
        }
    }

    /// <summary>
    /// Whether a phrase of <paramref name="group"/> ends within <paramref name="window"/> words
    /// before word <paramref name="position"/> (ending right before it counts).
    /// </summary>
    public bool EndsBefore(TextTokens tokens, int group, int position, int window)
    {
        ulong[] hashes = tokens.Hashes;
        for (int start = Math.Max(0, position - window - MaxPhraseWords); start < position; start++)
        {
            if (!_byFirstWord.TryGetValue(hashes[start], out Entry[]? entries))
            {
                continue;
            }

            foreach (Entry entry in entries)
            {
                int end = start + entry.Words.Length;
                if (entry.Group != group || end > position || end < position - window)
                {
                    continue;
                }

                bool match = true;
                for (int w = 1; w < entry.Words.Length && match; w++)
                {
                    match = hashes[start + w] == entry.Words[w];
                }

                if (match)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private const int MaxPhraseWords = 8;

    private sealed record Entry(ulong[] Words, string Text, int Group);
}
