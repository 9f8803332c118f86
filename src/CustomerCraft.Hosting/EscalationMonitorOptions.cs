namespace CustomerCraft.Hosting;

/// <summary>Settings of the escalation monitor hosted service.</summary>
public sealed class EscalationMonitorOptions
{
    /// <summary>How often due SLA warnings and breaches are processed. Default 30 seconds; between 1 second and 1 day.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}
