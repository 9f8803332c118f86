using CustomerCraft.Coaching;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Identifiers;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Identifiers;

/// <summary>
/// Regression tests for issue 15: a NUL character or a lone surrogate in an id reached PostgreSQL
/// as a raw PostgresException 22021 or an EncoderFallbackException naming no field. Every id is
/// checked in the core, before any store, with an ArgumentException naming the field.
/// </summary>
public class IdValidationTests
{
    public static TheoryData<string, string> BadIds() => new()
    {
        { "ana\u0000", "NUL" },
        { "an\ud800a", "lone surrogate" },
        { "ana\udc00", "lone surrogate" },
        { "ana ", "white space" },
        { "\u00a0ana", "white space" },
        { "a\u001bna", "control character" },
        { "   ", "empty" },
    };

    [Theory]
    [MemberData(nameof(BadIds), DisableDiscoveryEnumeration = true)]
    public void Validate_RefusesTheIdNamingTheField(string id, string why)
    {
        FluentActions.Invoking(() => IdRules.Validate(id, "request.AgentId"))
            .Should().Throw<ArgumentException>(why).Which.ParamName.Should().Be("request.AgentId");
    }

    [Theory]
    [InlineData("ana")]
    [InlineData("ana maría")]
    [InlineData("emoji-\ud83d\ude00")]
    [InlineData("C-1001")]
    public void Validate_AcceptsPrintableIds(string id) =>
        FluentActions.Invoking(() => IdRules.Validate(id, "id")).Should().NotThrow();

    [Theory]
    [InlineData("agent", "request.AgentId")]
    [InlineData("customer", "request.CustomerId")]
    [InlineData("incident", "request.IncidentId")]
    public async Task Evaluate_IdWithANul_NamesTheField(string which, string field)
    {
        using TestHost host = Build(Basic());
        ResolutionRequest request = which switch
        {
            "agent" => Refund(10m, agent: "ana\u0000"),
            "customer" => Refund(10m, customer: "C-1\u0000"),
            _ => Refund(10m, incident: "T-\ud800"),
        };

        Func<Task> act = async () => await host.Authority.EvaluateAsync(request);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(field);
    }

    [Fact]
    public async Task Grant_IdempotencyKeyWithANul_IsRefusedBeforeTheLedgerIsAsked()
    {
        var ledger = new CountingLedger();
        using TestHost host = Build(Basic(), b => b.Services.AddSingleton<IBudgetLedger>(ledger));

        Func<Task> act = async () => await host.Authority.GrantAsync(Refund(10m, key: "k\u0000"));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.IdempotencyKey");
        ledger.Calls.Should().Be(0);
    }

    [Fact]
    public async Task Grant_AttributeValueWithALoneSurrogate_NamesTheAttributes()
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.GrantAsync(Refund(10m, key: "k") with { Attributes = new Dictionary<string, string> { ["tier"] = "gold\udfff" } });

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Attributes");
    }

    [Fact]
    public async Task Workflow_CaseIdOwnerAndNoteWithANul_NameTheirFields()
    {
        using TestHost host = EscalationFixtures.Build();
        ICaseWorkflow workflow = host.Workflow();

        Func<Task> caseId = async () => await workflow.OpenAsync(new OpenCaseRequest { CaseId = "case\u0000", CustomerId = "C-1" });
        Func<Task> owner = async () => await workflow.OpenAsync(new OpenCaseRequest { CustomerId = "C-1", Owner = new CaseActor("ana\ud800", "Agent") });
        Func<Task> note = async () => await workflow.OpenAsync(new OpenCaseRequest { CustomerId = "C-1", Note = "hi\u0000" });
        Func<Task> find = async () => await workflow.FindAsync("case-1 ");

        (await caseId.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.CaseId");
        (await owner.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Owner.Id");
        (await note.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Note");
        (await find.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("caseId");
        (await host.Store().QueryAsync(new CaseQuery())).Should().BeEmpty("nothing reached the store");
    }

    [Fact]
    public async Task Void_GrantIdWithANul_NamesTheParameter()
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.VoidAsync("g\u0000", "mistake");

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("grantId");
    }

    private sealed class CountingLedger : IBudgetLedger
    {
        private readonly InMemoryBudgetLedger _inner = new();

        public int Calls { get; private set; }

        public ValueTask<BudgetUsage> GetUsageAsync(BudgetKey key, DateTimeOffset since, CancellationToken cancellationToken = default) { Calls++; return _inner.GetUsageAsync(key, since, cancellationToken); }

        public ValueTask ReadUsageAsync(ReadOnlyMemory<BudgetQuery> queries, Memory<BudgetUsage> results, CancellationToken cancellationToken = default) { Calls++; return _inner.ReadUsageAsync(queries, results, cancellationToken); }

        public ValueTask<ReservationResult> TryReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) { Calls++; return _inner.TryReserveAsync(reservation, cancellationToken); }

        public ValueTask<GrantRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default) { Calls++; return _inner.FindByIdempotencyKeyAsync(idempotencyKey, cancellationToken); }

        public ValueTask<GrantRecord?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default) { Calls++; return _inner.FindGrantAsync(grantId, cancellationToken); }

        public ValueTask<GrantRecord?> VoidAsync(string grantId, DateTimeOffset voidedAt, string reason, CancellationToken cancellationToken = default) { Calls++; return _inner.VoidAsync(grantId, voidedAt, reason, cancellationToken); }
    }
}
