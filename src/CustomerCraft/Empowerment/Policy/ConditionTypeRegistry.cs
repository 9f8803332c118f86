namespace CustomerCraft.Empowerment.Policy;

/// <summary>A host condition type registered with <c>AddCondition&lt;T&gt;(type)</c>.</summary>
internal sealed record ConditionTypeRegistration(string Type, Type ImplementationType);

/// <summary>The host condition types, resolved from the container once.</summary>
internal sealed class ConditionTypeRegistry
{
    private readonly Dictionary<string, IResolutionCondition> _conditions;

    public ConditionTypeRegistry(IEnumerable<ConditionTypeRegistration> registrations, IServiceProvider services)
    {
        _conditions = new Dictionary<string, IResolutionCondition>(StringComparer.OrdinalIgnoreCase);
        foreach (ConditionTypeRegistration registration in registrations)
        {
            object? instance = services.GetService(registration.ImplementationType);
            if (instance is not IResolutionCondition condition)
            {
                throw new InvalidOperationException($"The condition type '{registration.Type}' is registered with {registration.ImplementationType}, which is not resolvable as an {nameof(IResolutionCondition)}.");
            }

            _conditions[registration.Type] = condition;
        }
    }

    /// <summary>A registry with no host conditions.</summary>
    public static ConditionTypeRegistry Empty { get; } = new([], EmptyServiceProvider.Instance);

    public IEnumerable<string> Names => _conditions.Keys;

    public bool TryGet(string type, out IResolutionCondition? condition) => _conditions.TryGetValue(type, out condition);

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
