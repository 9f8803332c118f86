using CustomerCraft.Escalation;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Escalation;

public sealed class EscalationMonitorTests
{
    [Fact]
    public async Task An_approval_left_alone_goes_up_the_ladder_while_the_host_runs()
    {
        using TestHost host = Build(configure: b => b.AddEscalationMonitor(o => o.Interval = TimeSpan.FromMinutes(1)).AddCaseObserver<RerouteSignal>());
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(150m);
        IHostedService monitor = host.Services.GetServices<IHostedService>().Single();
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            // Nobody at the TeamLead level decides within the 2-hour approval timeout: the approval moves up to the Manager level.
            host.Time.Advance(TimeSpan.FromHours(2));
            RerouteSignal signal = host.Services.GetServices<ICaseObserver>().OfType<RerouteSignal>().Single();
            CaseChange change = await signal.Rerouted.Task.WaitAsync(TimeSpan.FromSeconds(30));

            change.Current.Level.Should().Be(2);
            change.Current.History.Should().Contain(e => e.Kind == CaseEventKind.SlaBreach && e.At == PolicyFixtures.Start + TimeSpan.FromHours(2));
            change.Current.State.Should().Be(CaseState.AwaitingApproval);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void An_interval_under_a_second_fails_at_start_up()
    {
        using TestHost host = Build(configure: b => b.AddEscalationMonitor(o => o.Interval = TimeSpan.FromMilliseconds(10)));

        Action read = () => _ = host.Services.GetRequiredService<IOptions<CustomerCraft.Hosting.EscalationMonitorOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage("*Interval*between 1 second and 1 day*");
    }

    private sealed class RerouteSignal : ICaseObserver
    {
        public TaskCompletionSource<CaseChange> Rerouted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnCaseChangedAsync(CaseChange change, CancellationToken cancellationToken)
        {
            if (change.Current.Level == 2)
            {
                Rerouted.TrySetResult(change);
            }

            return ValueTask.CompletedTask;
        }
    }
}
