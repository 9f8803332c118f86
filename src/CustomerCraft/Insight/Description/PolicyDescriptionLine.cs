namespace CustomerCraft.Insight.Description;

/// <summary>
/// One line of a <see cref="PolicyDescription"/>: a stable key (for example
/// <c>roles/Agent/actions/Refund/limit</c>) and the line in plain words. Keys are made of the
/// policy's own names, so the same setting has the same key in two versions of a policy and two
/// descriptions can be compared line by line.
/// </summary>
public sealed class PolicyDescriptionLine
{
    internal PolicyDescriptionLine(string key, string text)
    {
        Key = key;
        Text = text;
    }

    /// <summary>The line's stable key.</summary>
    public string Key { get; }

    /// <summary>The line in plain words.</summary>
    public string Text { get; }
}

/// <summary>A line whose text differs between two descriptions (see <see cref="PolicyDescription.Diff"/>).</summary>
public sealed class PolicyDescriptionChange
{
    internal PolicyDescriptionChange(string key, string oldText, string newText)
    {
        Key = key;
        OldText = oldText;
        NewText = newText;
    }

    /// <summary>The line's stable key.</summary>
    public string Key { get; }

    /// <summary>The line in the old description.</summary>
    public string OldText { get; }

    /// <summary>The line in the new description.</summary>
    public string NewText { get; }
}
