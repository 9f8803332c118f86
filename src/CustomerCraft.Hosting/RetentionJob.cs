using CustomerCraft;
using CustomerCraft.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Hosting;

/// <summary>
/// Prunes with <see cref="IDataRetention.PruneAsync"/> one interval after start and then every
/// <see cref="RetentionOptions.Interval"/> on the host's <see cref="TimeProvider"/>. Every instance
/// of a host may run one: the stores prune in batches that concurrent instances share.
/// </summary>
internal sealed partial class RetentionJob(
    IDataRetention retention,
    TimeProvider time,
    IOptions<CustomerCraftOptions> options,
    ILogger<RetentionJob> logger) : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here rather than in ExecuteAsync, so the first pass is one interval after start
        // on the host's clock (a start-up is busy enough without a backlog's deletes).
        _timer = new PeriodicTimer(options.Value.Retention.Interval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        PeriodicTimer timer = _timer ?? throw new InvalidOperationException("The retention job was not started.");
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                RetentionResult result = await retention.PruneAsync(stoppingToken).ConfigureAwait(false);
                LogPruned(logger, result.Charges, result.Grants, result.Budgets, result.Decisions);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store outage must not stop the job: the next tick tries again, and what the
                // failed pass removed stays removed (each batch commits on its own).
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(200, LogLevel.Information, "Retention removed {Charges} budget charges, {Grants} grants, {Budgets} budgets and {Decisions} decision records.")]
    private static partial void LogPruned(ILogger logger, long charges, long grants, long budgets, long decisions);

    [LoggerMessage(201, LogLevel.Error, "Retention failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
