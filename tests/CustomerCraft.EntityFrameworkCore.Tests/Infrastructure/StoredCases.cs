using CustomerCraft.Escalation;
using CustomerCraft.Storage;

namespace CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Store tests hand the store cases the workflow did not make (a stale edit, a rewritten
/// timeline): a host cannot change a case, so they go the way a store author's own code would,
/// through a snapshot and <see cref="CaseRehydration.Restore"/>.
/// </summary>
internal static class StoredCases
{
    public static SupportCase Change(SupportCase supportCase, Func<SupportCaseSnapshot, SupportCaseSnapshot> change) =>
        CaseRehydration.Restore(change(SupportCaseSnapshot.From(supportCase)));
}
