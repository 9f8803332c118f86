namespace CustomerCraft.Insight.Description;

/// <summary>
/// One line of a <see cref="PolicyDescription"/>: a stable key (for example
/// <c>roles/Agent/actions/Refund/limit</c>) and the line in plain words. Keys are made of the
/// policy's own names, so the same setting has the same key in two versions of a policy and two
/// descriptions can be compared line by line.
/// </summary>
/// <param name="Key">The line's stable key.</param>
/// <param name="Text">The line in plain words.</param>
public sealed record PolicyDescriptionLine(string Key, string Text);

/// <summary>A line whose text differs between two descriptions (see <see cref="PolicyDescription.Diff"/>).</summary>
/// <param name="Key">The line's stable key.</param>
/// <param name="OldText">The line in the old description.</param>
/// <param name="NewText">The line in the new description.</param>
public sealed record PolicyDescriptionChange(string Key, string OldText, string NewText);
