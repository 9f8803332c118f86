namespace CustomerCraft.Samples.SupportDesk;

/// <summary>The sample's own settings, under <c>SupportDesk</c> in appsettings.json.</summary>
public sealed class SupportDeskOptions
{
    /// <summary>The SQLite file CustomerCraft's stores use, relative to the content root.</summary>
    public string Database { get; set; } = "supportdesk.db";

    /// <summary>Offer the development sign-in (pick a seeded user, no password). Only ever honored in Development.</summary>
    public bool DevSignIn { get; set; } = true;

    /// <summary>Write the CustomerCraft meter and activities to the console (OpenTelemetry console exporter).</summary>
    public bool ConsoleTelemetry { get; set; } = true;

    /// <summary>How often the escalation monitor processes due SLA deadlines.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed example cases when the database has none.</summary>
    public bool SeedCases { get; set; } = true;

    /// <summary>How many reviewed interactions the metrics keep in memory; the oldest go first.</summary>
    public int ArchiveCapacity { get; set; } = 10_000;

    /// <summary>The largest request body the server reads, in bytes (Kestrel's own default is 30 MB).</summary>
    public long MaxRequestBodySize { get; set; } = 1_000_000;

    /// <summary>The users the development sign-in offers.</summary>
    public List<DeskUser> Users { get; set; } = [];
}

/// <summary>A seeded user: the claims the development sign-in issues.</summary>
public sealed class DeskUser
{
    /// <summary>The agent id (the NameIdentifier claim).</summary>
    public string Id { get; set; } = "";

    /// <summary>The display name (the Name claim).</summary>
    public string Name { get; set; } = "";

    /// <summary>The role (the Role claim), one of CustomerCraft:Empowerment:Roles.</summary>
    public string Role { get; set; } = "";

    /// <summary>The team the user works in, for the metrics per team; none for approvers.</summary>
    public string? Team { get; set; }
}
