namespace CustomerCraft.Escalation;

/// <summary>A person (or bot) acting on a case: their id and their empowerment role.</summary>
/// <param name="Id">The host's id for the person.</param>
/// <param name="Role">Their role, a key of <c>CustomerCraft:Empowerment:Roles</c>.</param>
public sealed record CaseActor(string Id, string Role);
