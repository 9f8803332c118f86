using CustomerCraft.Empowerment;

namespace CustomerCraft.Policy.Testing;

/// <summary>What running one <see cref="PolicyTestCase"/> gave.</summary>
public sealed class PolicyTestResult
{
    internal PolicyTestResult(PolicyTestCase testCase, AuthorityDecision? decision, string? failure)
    {
        Case = testCase;
        Decision = decision;
        Failure = failure;
    }

    /// <summary>The case.</summary>
    public PolicyTestCase Case { get; }

    /// <summary>The decision, unless the request was rejected.</summary>
    public AuthorityDecision? Decision { get; }

    /// <summary><see langword="true"/> when the policy answered as the case expects.</summary>
    public bool Passed => Failure is null;

    /// <summary>What differed, followed by the decision's reasons; <see langword="null"/> when the case passed.</summary>
    public string? Failure { get; }

    /// <inheritdoc />
    public override string ToString() => Passed ? $"{Case.Name}: passed" : $"{Case.Name}: FAILED\n{Failure}";
}
