using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Policy;
using Microsoft.Extensions.Configuration;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// A built-in attribute comparison is an <see cref="IResolutionCondition"/>, the contract a host
/// condition implements: asked through that contract it answers as the engine's own path does.
/// </summary>
public class BuiltInConditionContractTests
{
    private static AttributeComparison CompiledComparison()
    {
        Dictionary<string, string?> s = Ladder().With("Attributes:OutageHours:Type", "Number");
        s[$"{C}:LongOutage:When:Attribute"] = "OutageHours";
        s[$"{C}:LongOutage:When:AtLeast"] = "4";
        s[$"{C}:LongOutage:Effect"] = "Deny";
        IConfigurationSection section = new ConfigurationBuilder().AddInMemoryCollection(s).Build().GetSection("CustomerCraft");
        PolicySnapshot snapshot = PolicyProvider.Compile(section, DependencyInjection.PolicyParts.Create(ConditionTypeRegistry.Empty)).Snapshot!;
        return snapshot.Tests.Single(n => n.Kind == TestKind.Compare).Comparison!;
    }

    private static ResolutionRequest Outage(string hours) => new()
    {
        AgentId = "ana", Role = "Agent", CustomerId = "C-1", IncidentId = "T-1", Action = "Refund", Amount = 10m,
        Attributes = new Dictionary<string, string> { ["OutageHours"] = hours },
    };

    [Theory]
    [InlineData("4", true)]
    [InlineData("3.99", false)]
    public async Task AttributeComparison_AskedAsAHostCondition_AnswersAsTheEngineDoes(string hours, bool expected)
    {
        IResolutionCondition condition = CompiledComparison();

        bool answer = await condition.IsMatchAsync(new ResolutionConditionContext(Outage(hours), "LongOutage", new Dictionary<string, string>(), Now), CancellationToken.None);

        answer.Should().Be(expected);
    }

    [Fact]
    public async Task AttributeComparison_AskedAsAHostCondition_RejectsAMistypedValueByName()
    {
        IResolutionCondition condition = CompiledComparison();

        Func<Task> ask = async () => await condition.IsMatchAsync(new ResolutionConditionContext(Outage("four"), "LongOutage", new Dictionary<string, string>(), Now), CancellationToken.None);

        (await ask.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Attributes[OutageHours]");
    }
}
