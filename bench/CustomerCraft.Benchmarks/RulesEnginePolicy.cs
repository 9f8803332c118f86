using System.Globalization;
using CustomerCraft.Empowerment;
using RulesEngine.Models;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// The reference policy written as Microsoft RulesEngine 6.0.1 workflows: one workflow per
/// role and action (20 in all) so that each execution runs only the rules that concern the
/// request, built and compiled once, executed on one shared engine instance.
/// </summary>
/// <remarks>
/// Each workflow has a fraud rule, the role's own limit, and one rule per higher role (is there
/// someone who could approve it?). The outcome is read from the rule results in the same order
/// of precedence as CustomerCraft: deny beats everything, then within the limit, then approval.
/// </remarks>
public sealed class RulesEnginePolicy
{
    private const string FraudRule = "FraudSuspected";
    private const string WithinLimitRule = "WithinLimit";

    private readonly RulesEngine.RulesEngine _engine;
    private readonly string[,] _workflowNames;

    /// <summary>Builds the workflows and compiles every rule once.</summary>
    public RulesEnginePolicy()
    {
        var workflows = new List<Workflow>();
        _workflowNames = new string[Workload.Roles.Length, Workload.Actions.Length];
        for (int r = 0; r < Workload.Roles.Length; r++)
        {
            for (int a = 0; a < Workload.Actions.Length; a++)
            {
                var rules = new List<Rule>
                {
                    new()
                    {
                        RuleName = FraudRule,
                        RuleExpressionType = RuleExpressionType.LambdaExpression,
                        Expression = "input1.ReasonCodes != null && input1.ReasonCodes.Contains(\"FraudSuspected\")",
                    },
                    new()
                    {
                        RuleName = WithinLimitRule,
                        RuleExpressionType = RuleExpressionType.LambdaExpression,
                        Expression = LimitExpression(Workload.IncidentLimits[r, a]),
                    },
                };
                for (int higher = r + 1; higher < Workload.Roles.Length; higher++)
                {
                    rules.Add(new Rule
                    {
                        RuleName = "ApprovableBy" + Workload.Roles[higher],
                        RuleExpressionType = RuleExpressionType.LambdaExpression,
                        Expression = LimitExpression(Workload.IncidentLimits[higher, a]),
                    });
                }

                string name = $"{Workload.Roles[r]}.{Workload.Actions[a]}";
                _workflowNames[r, a] = name;
                workflows.Add(new Workflow { WorkflowName = name, Rules = rules });
            }
        }

        var settings = new ReSettings
        {
            // The fastest settings that still evaluate every rule: no scoped params (none are used),
            // compiled with FastExpressionCompiler, no formatted error messages.
            EnableScopedParams = false,
            UseFastExpressionCompiler = true,
            EnableFormattedErrorMessage = false,
            IsExpressionCaseSensitive = true,
            AutoExecuteActions = false,
        };
        _engine = new RulesEngine.RulesEngine([.. workflows], settings);

        // Compile every workflow now, not on the first measured call.
        var warmUp = new ResolutionRequest { AgentId = "a", Role = "Agent", CustomerId = "c", IncidentId = "i", Action = "Refund", Amount = 1m };
        foreach (string name in _workflowNames)
        {
            List<RuleResultTree> results = _engine.ExecuteAllRulesAsync(name, warmUp).AsTask().GetAwaiter().GetResult();
            foreach (RuleResultTree result in results)
            {
                if (!string.IsNullOrEmpty(result.ExceptionMessage))
                {
                    throw new InvalidOperationException($"RulesEngine rule {name}/{result.Rule.RuleName} failed: {result.ExceptionMessage}");
                }
            }
        }
    }

    /// <summary>Executes the request's workflow and reads the outcome from the rule results.</summary>
    public DecisionOutcome Evaluate(ResolutionRequest request)
    {
        string workflow = _workflowNames[Workload.RoleIndex(request.Role), Workload.ActionIndex(request.Action)];
        List<RuleResultTree> results = Workload.Complete(_engine.ExecuteAllRulesAsync(workflow, request));
        return Outcome(results);
    }

    /// <summary>Runs the request through the engine and reports whether the engine completed synchronously.</summary>
    public bool CompletesSynchronously(ResolutionRequest request)
    {
        string workflow = _workflowNames[Workload.RoleIndex(request.Role), Workload.ActionIndex(request.Action)];
        ValueTask<List<RuleResultTree>> pending = _engine.ExecuteAllRulesAsync(workflow, request);
        bool synchronous = pending.IsCompleted;
        _ = Workload.Complete(pending);
        return synchronous;
    }

    private static DecisionOutcome Outcome(List<RuleResultTree> results)
    {
        // results[0] is the fraud rule, results[1] the role's own limit, the rest the approvers.
        if (results[0].IsSuccess)
        {
            return DecisionOutcome.Denied;
        }

        if (results[1].IsSuccess)
        {
            return DecisionOutcome.Allowed;
        }

        for (int i = 2; i < results.Count; i++)
        {
            if (results[i].IsSuccess)
            {
                return DecisionOutcome.RequiresApproval;
            }
        }

        return DecisionOutcome.Denied;
    }

    private static string LimitExpression(decimal limit) =>
        $"input1.Amount <= {limit.ToString(CultureInfo.InvariantCulture)}m * (input1.CustomerSegment == \"Platinum\" ? 1.5m : 1m)";
}
