namespace CustomerCraft.Hosting;

/// <summary>Settings of the escalation monitor hosted service.</summary>
public sealed class EscalationMonitorOptions
{
    /// <summary>How often due SLA warnings and breaches are processed. Default 30 seconds; at least 1 second.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}
