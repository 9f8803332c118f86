using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Empowerment;

/// <summary>Bad requests get exceptions that say what is wrong; they are never reported as Denied.</summary>
public class RequestValidationTests
{
    private static ResolutionRequest Make(string agent = "ana", string role = "Agent", string customer = "C-1", string incident = "T-1", string action = "Refund", decimal amount = 10m, string? currency = null) => new()
    {
        AgentId = agent, Role = role, CustomerId = customer, IncidentId = incident, Action = action, Amount = amount, Currency = currency,
    };

    public static TheoryData<ResolutionRequest, string, string> BadRequests => new()
    {
        { Make(agent: ""), "request.AgentId", "*AgentId is required*" },
        { Make(agent: "  "), "request.AgentId", "*AgentId is required*" },
        { Make(customer: ""), "request.CustomerId", "*CustomerId is required*" },
        { Make(incident: ""), "request.IncidentId", "*IncidentId is required*" },
        { Make(role: "Wizard"), "request.Role", "*Role 'Wizard' is not configured*Agent*" },
        { Make(action: "Teleport"), "request.Action", "*Action 'Teleport' is not configured*Refund*" },
        { Make(amount: 0m), "request.Amount", "*greater than zero*" },
        { Make(amount: -5m), "request.Amount", "*greater than zero*" },
        { Make(amount: 10.001m), "request.Amount", "*more than 2 decimals*" },
        { Make(currency: "EUR"), "request.Currency", "*EUR*no ICurrencyConverter*" },
        { Make(currency: "XYZ"), "request.Currency", "*'XYZ' is not an ISO 4217*" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task EvaluateAsync_BadRequest_ThrowsNamingTheField(ResolutionRequest request, string parameter, string message)
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(request);

        (await act.Should().ThrowAsync<ArgumentException>()).Where(e => e.ParamName == parameter).WithMessage(message);
    }

    [Fact]
    public async Task EvaluateAsync_NullRequest_ThrowsArgumentNull()
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task EvaluateAsync_TrailingZerosBeyondTheMinorUnit_AreFine()
    {
        using TestHost host = Build(Basic());

        (await host.Authority.EvaluateAsync(Make(amount: 10.500m))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task EvaluateAsync_PolicyCurrencyInAnotherCase_NeedsNoConverter()
    {
        using TestHost host = Build(Basic());

        (await host.Authority.EvaluateAsync(Make(currency: "usd"))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task EvaluateAsync_OtherCurrencyWithAConverter_ConvertsAndRoundsToThePolicyMinorUnit()
    {
        using TestHost host = Build(Basic(), b => b.UseCurrencyConverter<FixedRateConverter>());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Make(currency: "JPY", amount: 15_000m));
        AuthorityDecision over = await host.Authority.EvaluateAsync(Make(currency: "JPY", amount: 15_001m));

        decision.Amount.Should().Be(100m); // 15,000 JPY at 1/150
        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        over.Amount.Should().Be(100.01m);
        over.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
    }

    [Fact]
    public async Task EvaluateAsync_ZeroDecimalCurrency_RejectsFractions()
    {
        using TestHost host = Build(Basic(), b => b.UseCurrencyConverter<FixedRateConverter>());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Make(currency: "JPY", amount: 100.5m));

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*more than 0 decimals*JPY*");
    }

    private sealed class FixedRateConverter : ICurrencyConverter
    {
        public ValueTask<decimal> ConvertAsync(decimal amount, string fromCurrency, string toCurrency, CancellationToken cancellationToken) =>
            fromCurrency == "JPY" && toCurrency == "USD" ? new(amount / 150m) : throw new NotSupportedException($"{fromCurrency}->{toCurrency}");
    }
}
