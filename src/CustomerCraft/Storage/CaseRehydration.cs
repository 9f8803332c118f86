using System.Globalization;
using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Workflow;

namespace CustomerCraft.Storage;

/// <summary>
/// The one way back from stored data to a <see cref="SupportCase"/>, for stores that keep cases
/// outside memory. Hosts never need it: they open and move cases through
/// <see cref="ICaseWorkflow"/>.
/// </summary>
public static class CaseRehydration
{
    /// <summary>
    /// Makes a case from what a store read, after checking that it is one the workflow could have
    /// produced: the timeline is numbered from 1 and starts with the opening entry; each entry starts
    /// where the one before it ended; every move in it is one the case workflow allows; the case's
    /// state and level are where the last entry left them; an approval is pending exactly while the
    /// case awaits one; every clock belongs to the current level; and the version is 1 or more.
    /// </summary>
    /// <param name="snapshot">The stored case, with its whole timeline.</param>
    /// <returns>The case, equal in every property to <paramref name="snapshot"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The snapshot is inconsistent; the message names the case, the property and the value (such
    /// data is corrupt or was written by something other than the workflow).
    /// </exception>
    public static SupportCase Restore(SupportCaseSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Check(snapshot);
        return new SupportCase
        {
            Id = snapshot.Id,
            CustomerId = snapshot.CustomerId,
            Subject = snapshot.Subject,
            Priority = snapshot.Priority,
            State = snapshot.State,
            Level = snapshot.Level,
            Owner = snapshot.Owner,
            Handler = snapshot.Handler,
            Version = snapshot.Version,
            OpenedAt = snapshot.OpenedAt,
            UpdatedAt = snapshot.UpdatedAt,
            PendingApproval = snapshot.PendingApproval,
            Timers = snapshot.Timers,
            History = snapshot.History,
        };
    }

    private static void Check(SupportCaseSnapshot s)
    {
        if (string.IsNullOrEmpty(s.Id))
        {
            Fail(s, "Id", "is empty");
        }

        if (string.IsNullOrEmpty(s.CustomerId))
        {
            Fail(s, "CustomerId", "is empty");
        }

        if (s.Version < 1)
        {
            Fail(s, "Version", $"is {Text(s.Version)}; a stored case has version 1 or more");
        }

        if (!Enum.IsDefined(s.State))
        {
            Fail(s, "State", $"is {Text((int)s.State)}, which is not a case state");
        }

        if (!Enum.IsDefined(s.Priority))
        {
            Fail(s, "Priority", $"is {Text((int)s.Priority)}, which is not a priority");
        }

        if (s.Level < 0)
        {
            Fail(s, "Level", $"is {Text(s.Level)}; levels start at 0");
        }

        CheckHistory(s);
        bool awaiting = s.State == CaseState.AwaitingApproval;
        if (awaiting != s.PendingApproval is not null)
        {
            Fail(s, "PendingApproval", awaiting
                ? "is missing while the case awaits approval"
                : $"is set ('{s.PendingApproval!.ApprovalId}') while the case is {s.State}");
        }

        IReadOnlyList<SlaTimer> timers = s.Timers ?? throw Error(s, "Timers", "is null");
        for (int i = 0; i < timers.Count; i++)
        {
            SlaTimer timer = timers[i] ?? throw Error(s, $"Timers[{Text(i)}]", "is null");
            if (timer.Level != s.Level)
            {
                Fail(s, $"Timers[{Text(i)}].Level", $"is {Text(timer.Level)} but the case is at level {Text(s.Level)}");
            }
        }
    }

    private static void CheckHistory(SupportCaseSnapshot s)
    {
        IReadOnlyList<CaseEvent> history = s.History ?? throw Error(s, "History", "is null");
        if (history.Count == 0)
        {
            Fail(s, "History", "is empty; every case starts with its opening entry");
        }

        CaseState state = CaseState.New;
        int level = 0;
        for (int i = 0; i < history.Count; i++)
        {
            CaseEvent entry = history[i] ?? throw Error(s, $"History[{Text(i)}]", "is null");
            string at = $"History[{Text(i)}]";
            if (entry.Sequence != i + 1)
            {
                Fail(s, at + ".Sequence", $"is {Text(entry.Sequence)}; the timeline is numbered 1, 2, 3, ... and this entry is number {Text(i + 1)}");
            }

            if ((i == 0) != (entry.Kind == CaseEventKind.Opened))
            {
                Fail(s, at + ".Kind", i == 0 ? $"is {entry.Kind}; the timeline starts with the opening entry" : "is Opened after the first entry");
            }

            if (entry.From != state)
            {
                Fail(s, at + ".From", $"is {entry.From} but the entry before left the case {state}");
            }

            if (entry.Kind == CaseEventKind.Transition)
            {
                // The state machine is the one place the legal moves are declared. The ladder's
                // height is not known here (it may have changed since), so every level counts as
                // having one above it.
                if (entry.Trigger is not { } trigger
                    || !CaseStateMachine.TryFire(state, level, int.MaxValue, trigger, out CaseState to)
                    || to != entry.To)
                {
                    Fail(s, at, $"moves the case from {entry.From} to {entry.To} by {(entry.Trigger is { } t ? t.ToString() : "no trigger")}, which the case workflow does not allow");
                }

                if (entry.Level < 0)
                {
                    Fail(s, at + ".Level", $"is {Text(entry.Level)}; levels start at 0");
                }
            }
            else if (entry.To != state || entry.Level != level)
            {
                Fail(s, at, $"is a {entry.Kind} entry but changes the case from {state} at level {Text(level)} to {entry.To} at level {Text(entry.Level)}; only moves change those");
            }

            state = entry.To;
            level = entry.Level;
        }

        if (s.State != state)
        {
            Fail(s, "State", $"is {s.State} but the timeline leaves the case {state}");
        }

        if (s.Level != level)
        {
            Fail(s, "Level", $"is {Text(s.Level)} but the timeline leaves the case at level {Text(level)}");
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static ArgumentException Error(SupportCaseSnapshot s, string property, string problem) =>
        new($"Stored case '{s.Id}': {property} {problem}.", "snapshot");

    private static void Fail(SupportCaseSnapshot s, string property, string problem) => throw Error(s, property, problem);
}
