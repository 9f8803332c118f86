using CustomerCraft.Retention;

namespace CustomerCraft.Storage;

/// <summary>
/// What one pruning pass may remove: everything strictly older than each cutoff. Made by
/// <see cref="IDataRetention.CutoffsAt"/> from the policy's longest windows and
/// <see cref="RetentionOptions"/>; a store removes only what these allow.
/// </summary>
/// <param name="ChargesBefore">
/// Customer and agent budget charges made before this instant are removed (no window reaches back
/// that far), and so are grants made before it that have no charge left.
/// </param>
/// <param name="IncidentChargesBefore">Incident budget charges made before this instant are removed; <see langword="null"/> keeps them all.</param>
/// <param name="DecisionsBefore">Decision records timestamped before this instant are removed; <see langword="null"/> keeps them all.</param>
/// <param name="BatchSize">The most rows one statement removes; a store repeats batches until nothing more qualifies.</param>
public sealed record RetentionCutoffs(DateTimeOffset ChargesBefore, DateTimeOffset? IncidentChargesBefore, DateTimeOffset? DecisionsBefore, int BatchSize = RetentionOptions.DefaultBatchSize);
