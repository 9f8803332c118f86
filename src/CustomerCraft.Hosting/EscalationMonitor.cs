using CustomerCraft.Escalation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Hosting;

/// <summary>
/// Calls <see cref="ICaseWorkflow.ProcessDueAsync"/> once at start and then every
/// <see cref="EscalationMonitorOptions.Interval"/> on the host's <see cref="TimeProvider"/>, so an
/// approval left alone escalates while the application runs. Several instances of the host may
/// each run one: processing is idempotent and each due event is applied once.
/// </summary>
internal sealed partial class EscalationMonitor(
    ICaseWorkflow workflow,
    TimeProvider time,
    IOptions<EscalationMonitorOptions> options,
    ILogger<EscalationMonitor> logger) : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here rather than in ExecuteAsync (which the host may start later on another
        // thread) so the first tick is one interval after start on the host's clock.
        _timer = new PeriodicTimer(options.Value.Interval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        PeriodicTimer timer = _timer ?? throw new InvalidOperationException("The escalation monitor was not started.");
        do
        {
            try
            {
                SlaProcessingResult result = await workflow.ProcessDueAsync(stoppingToken).ConfigureAwait(false);
                if (result.Cases > 0)
                {
                    LogProcessed(logger, result.Cases, result.Warnings, result.Breaches, result.Conflicts);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store outage must not stop the monitor: the next tick tries again.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(100, LogLevel.Information, "Escalation monitor applied due deadlines on {Cases} cases: {Warnings} warnings, {Breaches} breaches, {Conflicts} skipped after concurrent changes.")]
    private static partial void LogProcessed(ILogger logger, int cases, int warnings, int breaches, int conflicts);

    [LoggerMessage(101, LogLevel.Error, "Escalation monitor failed to process due deadlines; retrying at the next tick.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
