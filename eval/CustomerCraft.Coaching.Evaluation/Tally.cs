using System.Globalization;

namespace CustomerCraft.Coaching.Evaluation;

/// <summary>True and false positives and misses of one detector on one half, and the measures from them.</summary>
internal sealed class Tally
{
    public int TruePositives { get; private set; }

    public int FalsePositives { get; private set; }

    public int FalseNegatives { get; private set; }

    public void Add(HashSet<string> flagged, HashSet<string> labelled)
    {
        foreach (string item in flagged)
        {
            if (labelled.Contains(item))
            {
                TruePositives++;
            }
            else
            {
                FalsePositives++;
            }
        }

        FalseNegatives += labelled.Count(item => !flagged.Contains(item));
    }

    /// <summary>Flagged and right over flagged; null when nothing was flagged.</summary>
    public double? Precision => TruePositives + FalsePositives == 0 ? null : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Labelled and flagged over labelled; null when nothing was labelled.</summary>
    public double? Recall => TruePositives + FalseNegatives == 0 ? null : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>
    /// The harmonic mean of precision and recall. Between two labelling passes it is their
    /// positive agreement (2 × shared / (first + second)), which needs no count of negatives.
    /// </summary>
    public double? F1 => TruePositives + FalsePositives + FalseNegatives == 0 ? null : 2.0 * TruePositives / ((2 * TruePositives) + FalsePositives + FalseNegatives);

    public static string Format(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
}
