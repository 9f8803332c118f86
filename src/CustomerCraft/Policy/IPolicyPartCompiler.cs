namespace CustomerCraft.Policy;

/// <summary>
/// Compiles one capability's part of the policy (its limits and conditions, its escalation ladder,
/// its coaching settings) over the compiled core. The policy core calls every registered part
/// compiler and knows none of them, so capabilities depend on the core and never on each other.
/// </summary>
internal interface IPolicyPartCompiler
{
    /// <summary>Compiles the part, adding every error with its path; returns <see langword="null"/> when the part has errors.</summary>
    /// <param name="options">The bound options.</param>
    /// <param name="core">The compiled core (usable for reading even when the core itself had errors).</param>
    /// <param name="source">Where the options came from, for error paths.</param>
    /// <param name="errors">Where errors go.</param>
    object? Compile(CustomerCraftOptions options, PolicySnapshot core, CustomerCraftConfiguration source, List<string> errors);
}
