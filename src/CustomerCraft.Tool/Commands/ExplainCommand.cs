using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerCraft.Empowerment;
using CustomerCraft.Insight.Description;
using CustomerCraft.Policy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tool.Commands;

/// <summary>
/// <c>explain</c>: one request, decided by the engine a host uses, printed as a team lead reads it.
/// The request is written as in policy test files (a case's <c>Request</c>, or a whole case with
/// <c>Now</c> and <c>PriorGrants</c>), so one format serves both.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        Argument<string> file = CommonOptions.File("file", "The appsettings file (or any JSON file) holding the policy.");
        Option<string> section = CommonOptions.Section();
        var request = new Option<string?>("--request", "-r")
        {
            Description = "A JSON file with the request as in policy test files ({\"AgentId\", \"Role\", \"CustomerId\", \"IncidentId\", \"Action\", \"Amount\", ...}), or a whole test case ({\"Now\", \"Request\", \"PriorGrants\"}). Flags override its fields.",
            HelpName = "file",
        };
        var flags = new (string Name, string Key, string Description)[]
        {
            ("--agent", "AgentId", "The requesting agent's id."),
            ("--role", "Role", "The requesting agent's role."),
            ("--customer", "CustomerId", "The customer's id."),
            ("--incident", "IncidentId", "The incident (ticket) id."),
            ("--action", "Action", "The resolution action, for example Refund."),
            ("--amount", "Amount", "The amount, in the action's unit."),
            ("--currency", "Currency", "The amount's currency, when not the policy's."),
            ("--segment", "CustomerSegment", "The customer segment, for example Platinum."),
            ("--channel", "Channel", "The channel, for example Chat."),
            ("--customer-since", "CustomerSince", "When the customer relationship began (ISO 8601)."),
        };
        var options = flags.Select(f => (Option: new Option<string?>(f.Name) { Description = f.Description, HelpName = "value" }, f.Key)).ToArray();
        var reasons = new Option<string[]>("--reason") { Description = "A reason code; repeat for several.", HelpName = "code" };
        var attributes = new Option<string[]>("--attribute", "-a") { Description = "A request attribute as name=value; repeat for several.", HelpName = "name=value" };
        var at = new Option<string?>("--at") { Description = "When the request is decided (ISO 8601); default now. Calendar budgets and customer ages are counted from it.", HelpName = "time" };
        var command = new Command("explain", "Decides one request against the policy and prints the decision in plain words: the outcome, every reason, who must approve, and the agent's headroom. Exit 0 when decided, 2 when the request is invalid.")
        {
            file, section, request, reasons, attributes, at,
        };
        foreach ((Option<string?> option, _) in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            var overrides = options.Where(o => parse.GetValue(o.Option) is not null).ToDictionary(o => o.Key, o => parse.GetValue(o.Option)!);
            return RunAsync(parse.GetValue(file)!, parse.GetValue(section)!, parse.GetValue(request), overrides, parse.GetValue(reasons) ?? [], parse.GetValue(attributes) ?? [], parse.GetValue(at), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string file, string sectionPath, string? requestFile, Dictionary<string, string> overrides, string[] reasons, string[] attributes, string? at, CancellationToken cancellationToken)
    {
        IConfigurationSection section = PolicyFile.Section(file, sectionPath);
        PolicyTestRunner runner;
        PolicyDescription description;
        try
        {
            runner = new PolicyTestRunner(section);
            description = PolicyDescription.Of(section);
        }
        catch (OptionsValidationException ex)
        {
            foreach (string error in ex.Failures)
            {
                Console.Out.WriteLine($"error: {error}");
            }

            return ExitCodes.PolicyInvalidOrTestFailed;
        }

        PolicyTestCase testCase = BuildCase(requestFile, overrides, reasons, attributes, at);
        PolicyTestResult result = await runner.RunAsync(testCase, cancellationToken).ConfigureAwait(false);
        if (result.Decision is not { } decision)
        {
            throw new ToolException(result.Failure!.Replace("The request was rejected: ", "the request is invalid: ", StringComparison.Ordinal).TrimEnd('\n'), ExitCodes.UsageError);
        }

        Print(decision, description);
        return ExitCodes.Ok;
    }

    private static PolicyTestCase BuildCase(string? requestFile, Dictionary<string, string> overrides, string[] reasons, string[] attributes, string? at)
    {
        JsonObject testCase;
        if (requestFile is null)
        {
            testCase = new JsonObject { ["Request"] = new JsonObject() };
        }
        else
        {
            string full = PolicyFile.Existing(requestFile);
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(File.ReadAllText(full), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                throw new ToolException($"{requestFile}: cannot be read as JSON ({ex.Message.TrimEnd('.')}).", ExitCodes.InputUnreadable);
            }

            if (node is not JsonObject obj)
            {
                throw new ToolException($"{requestFile}: a request is a JSON object.", ExitCodes.UsageError);
            }

            testCase = obj.ContainsKey("Request") ? obj : new JsonObject { ["Request"] = obj.DeepClone() };
        }

        var request = (JsonObject)testCase["Request"]!;
        foreach ((string key, string value) in overrides)
        {
            request[key] = key == "Amount" && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal amount) ? JsonValue.Create(amount) : JsonValue.Create(value);
        }

        if (reasons.Length > 0)
        {
            request["ReasonCodes"] = new JsonArray([.. reasons.Select(r => (JsonNode)JsonValue.Create(r)!)]);
        }

        if (attributes.Length > 0)
        {
            var bag = request["Attributes"] as JsonObject ?? [];
            foreach (string attribute in attributes)
            {
                int equals = attribute.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new ToolException($"--attribute '{attribute}' is not name=value.", ExitCodes.UsageError);
                }

                bag[attribute[..equals]] = attribute[(equals + 1)..];
            }

            request["Attributes"] = bag;
        }

        // The test format needs an expectation; any will do, since only the decision is printed, never the comparison.
        testCase["Expect"] = new JsonObject { ["Outcome"] = "Allowed" };
        testCase["Now"] = at ?? (testCase["Now"] is { } now ? now.GetValue<string>() : DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        var suite = new JsonObject { ["Cases"] = new JsonObject { ["request"] = testCase.DeepClone() } };
        try
        {
            return PolicyTestSuite.Parse(suite.ToJsonString(), requestFile ?? "the request").Cases[0];
        }
        catch (FormatException ex)
        {
            throw new ToolException(ex.Message.Replace("case 'request': ", string.Empty, StringComparison.Ordinal).TrimEnd('.') + ".", ExitCodes.UsageError);
        }
    }

    private static void Print(AuthorityDecision decision, PolicyDescription description)
    {
        ResolutionRequest request = decision.Request;
        string amount = decision.Unit == "grants" ? string.Empty : $" {Format(decision.Amount)} {decision.Unit}";
        string role = description.Roles.FirstOrDefault(r => string.Equals(r.Name, decision.Role, StringComparison.OrdinalIgnoreCase))?.DisplayName ?? decision.Role;
        Console.Out.WriteLine($"{role} {request.AgentId}: {decision.Action}{amount} for {request.CustomerId} on {request.IncidentId}");
        string approver = decision.RequiredApproverRole is { } a
            ? description.Roles.FirstOrDefault(r => string.Equals(r.Name, a, StringComparison.OrdinalIgnoreCase))?.DisplayName ?? a
            : string.Empty;
        Console.Out.WriteLine(decision.Outcome switch
        {
            DecisionOutcome.Allowed => $"ALLOWED: {request.AgentId} may grant this now, without asking anyone.",
            DecisionOutcome.RequiresApproval when approver.Length > 0 => $"REQUIRES APPROVAL: {request.AgentId} cannot grant this alone; a {approver} (or higher) must approve.",
            DecisionOutcome.RequiresApproval => $"REQUIRES APPROVAL: {request.AgentId} cannot grant this alone.",
            _ => $"DENIED: nobody may grant this under the policy.",
        });
        Console.Out.WriteLine();
        Console.Out.WriteLine("Why:");
        foreach (DecisionReason reason in decision.Reasons)
        {
            Console.Out.WriteLine($"  {(reason.Passed ? "ok" : "NO")}  {reason.Message}");
            Console.Out.WriteLine($"        ({reason.ConfigurationPath})");
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine($"What {request.AgentId} can still grant {request.CustomerId} now without approval:");
        foreach (ActionHeadroom headroom in decision.Headroom)
        {
            string what = !headroom.HasAuthority ? "nothing without approval"
                : headroom.Amount is decimal max && headroom.Count is int count ? $"up to {Format(max)} {headroom.Unit}, {count} more grant{(count == 1 ? string.Empty : "s")}"
                : headroom.Amount is decimal only ? $"up to {Format(only)} {headroom.Unit}"
                : headroom.Count is int grants ? $"{grants} more grant{(grants == 1 ? string.Empty : "s")}"
                : "no limit";
            Console.Out.WriteLine($"  {headroom.Action,-22} {what}");
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine($"Decided at {decision.EvaluatedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)} under policy version {description.Version}.");
    }

    private static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
