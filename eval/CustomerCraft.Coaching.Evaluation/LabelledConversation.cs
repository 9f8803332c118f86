using System.Text.Json.Serialization;

namespace CustomerCraft.Coaching.Evaluation;

/// <summary>One conversation of a labelled set: a line of the JSON Lines file.</summary>
internal sealed class LabelledConversation
{
    /// <summary>Unique in the set; errors name it.</summary>
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    /// <summary><c>tuning</c> or <c>heldout</c>: detectors are tuned on the first and judged on the second.</summary>
    [JsonPropertyName("split")]
    public string Split { get; set; } = string.Empty;

    /// <summary>Where the conversation comes from (corpus and its id there), for the notices.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("turns")]
    public List<LabelledTurn> Turns { get; set; } = [];

    /// <summary>The first labelling pass: the one the detectors are scored against.</summary>
    [JsonPropertyName("labels")]
    public DetectorLabels? Labels { get; set; }

    /// <summary>A second, independent pass, if there was one: only used to report agreement.</summary>
    [JsonPropertyName("labels2")]
    public DetectorLabels? SecondLabels { get; set; }
}

/// <summary>One message.</summary>
internal sealed class LabelledTurn
{
    /// <summary><c>customer</c>, <c>agent</c> or <c>bot</c>.</summary>
    [JsonPropertyName("speaker")]
    public string Speaker { get; set; } = string.Empty;

    [JsonPropertyName("text")]
    public string Text { get; set; } = string.Empty;
}

/// <summary>What a team lead would flag, by turn number (from 1, as the scorecard's evidence counts).</summary>
internal sealed class DetectorLabels
{
    /// <summary>Customer turns a support team would call frustrated (the gate for Empathy and AcknowledgeFeelings).</summary>
    [JsonPropertyName("frustrated")]
    public List<int> Frustrated { get; set; } = [];

    /// <summary>For each run of customer lines the agent answered without acknowledging, its first frustrated line.</summary>
    [JsonPropertyName("unacknowledged")]
    public List<int> Unacknowledged { get; set; } = [];

    /// <summary>Whether the agent checked the customer's understanding anywhere in the conversation.</summary>
    [JsonPropertyName("checkedUnderstanding")]
    public bool CheckedUnderstanding { get; set; }

    /// <summary>Agent turns that promise a follow-up (a call, an email, an update).</summary>
    [JsonPropertyName("followUps")]
    public List<int> FollowUps { get; set; } = [];

    /// <summary>Agent turns that dismiss or blame the customer.</summary>
    [JsonPropertyName("dismissive")]
    public List<int> Dismissive { get; set; } = [];

    /// <summary>Customer turns that ask again for something asked before the agent's last reply.</summary>
    [JsonPropertyName("repeated")]
    public List<int> Repeated { get; set; } = [];
}
