namespace CustomerCraft.Empowerment;

/// <summary>
/// Well-known resolution action names. Actions are configured by name, so any custom name works
/// too; these constants only save typing and typos.
/// </summary>
public static class ResolutionActions
{
    /// <summary>Money back to the customer.</summary>
    public const string Refund = "Refund";

    /// <summary>Store credit or account credit.</summary>
    public const string Credit = "Credit";

    /// <summary>A replacement item shipped; the amount is the item's value.</summary>
    public const string Replacement = "Replacement";

    /// <summary>A fee (late fee, change fee) not charged.</summary>
    public const string FeeWaiver = "FeeWaiver";

    /// <summary>A gesture of goodwill: a voucher, an upgrade, flowers.</summary>
    public const string Goodwill = "Goodwill";
}
