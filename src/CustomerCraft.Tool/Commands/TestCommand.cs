using System.CommandLine;
using System.Globalization;
using System.Xml.Linq;
using CustomerCraft.Empowerment;
using CustomerCraft.Insight.Description;
using CustomerCraft.Policy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tool.Commands;

/// <summary>
/// <c>test</c>: runs policy test files (the format <see cref="PolicyTestSuite"/> reads) through
/// <see cref="PolicyTestRunner"/>, prints failures with the decision's reasons, writes JUnit XML, and
/// reports which limits and conditions no test's decision touched.
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        Argument<string> file = CommonOptions.File("file", "The appsettings file (or any JSON file) holding the policy.");
        Option<string> section = CommonOptions.Section();
        var tests = new Option<string[]>("--tests", "-t")
        {
            Description = "A policy test file; repeat for several. Default: the policy file's name with .tests.json (appsettings.json -> appsettings.tests.json).",
            HelpName = "file",
            AllowMultipleArgumentsPerToken = false,
        };
        var junit = new Option<string?>("--junit") { Description = "Also write the results as JUnit XML to this file, for CI test reports.", HelpName = "file" };
        var minCoverage = new Option<double?>("--min-coverage")
        {
            Description = "Fail (exit 1) when fewer than this percentage of the policy's limits and conditions were exercised by some test.",
            HelpName = "percent",
        };
        minCoverage.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is double value && (value < 0 || value > 100))
            {
                result.AddError($"--min-coverage {value.ToString(CultureInfo.InvariantCulture)} must be from 0 to 100.");
            }
        });
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print failures and the summary only, not every passing case." };
        var command = new Command("test", "Runs a policy's test cases through the engine a host uses, prints each failure with the decision's reasons, and reports coverage: which limits and conditions no test exercised. Exit 0 when every case passes (and coverage is enough), 1 when not.")
        {
            file, section, tests, junit, minCoverage, quiet,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(file)!, parse.GetValue(section)!, parse.GetValue(tests) ?? [], parse.GetValue(junit), parse.GetValue(minCoverage), parse.GetValue(quiet), ct));
        return command;
    }

    private static async Task<int> RunAsync(string file, string sectionPath, string[] testFiles, string? junit, double? minCoverage, bool quiet, CancellationToken cancellationToken)
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

            Console.Out.WriteLine($"{file}: invalid, so no test ran.");
            return ExitCodes.PolicyInvalidOrTestFailed;
        }

        if (testFiles.Length == 0)
        {
            string sibling = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, Path.GetFileNameWithoutExtension(file) + ".tests.json");
            if (!File.Exists(sibling))
            {
                throw new ToolException($"no test file given and {sibling} does not exist; name one with --tests.", ExitCodes.UsageError);
            }

            testFiles = [sibling];
        }

        var suites = new List<(PolicyTestSuite Suite, IReadOnlyList<PolicyTestResult> Results)>();
        foreach (string testFile in testFiles)
        {
            PolicyTestSuite suite = Load(testFile);
            suites.Add((suite, await runner.RunAllAsync(suite, cancellationToken).ConfigureAwait(false)));
        }

        int total = 0, failed = 0;
        foreach ((PolicyTestSuite suite, IReadOnlyList<PolicyTestResult> results) in suites)
        {
            foreach (PolicyTestResult result in results)
            {
                total++;
                if (result.Passed)
                {
                    if (!quiet)
                    {
                        Console.Out.WriteLine($"PASS  {result.Case.Name}");
                    }

                    continue;
                }

                failed++;
                Console.Out.WriteLine($"FAIL  {result.Case.Name}  ({Path.GetFileName(suite.Source)})");
                foreach (string line in result.Failure!.TrimEnd('\n').Split('\n'))
                {
                    Console.Out.WriteLine($"      {line}");
                }
            }
        }

        Coverage coverage = Coverage.Of(description, sectionPath, suites.SelectMany(s => s.Results));
        Console.Out.WriteLine();
        Console.Out.WriteLine($"{total - failed} passed, {failed} failed, {total} cases.");
        Console.Out.WriteLine($"Coverage: {coverage.Exercised} of {coverage.Items.Count} limits and conditions exercised ({coverage.Percent.ToString("0.0", CultureInfo.InvariantCulture)}%).");
        if (coverage.NotExercised.Count > 0)
        {
            Console.Out.WriteLine("Not exercised by any test:");
            foreach (CoverageItem item in coverage.NotExercised)
            {
                Console.Out.WriteLine($"  {item.Path}  ({item.Text})");
            }
        }

        if (junit is not null)
        {
            WriteJUnit(junit, suites);
        }

        if (failed > 0)
        {
            return ExitCodes.PolicyInvalidOrTestFailed;
        }

        if (minCoverage is double min && coverage.Percent < min)
        {
            Console.Out.WriteLine($"Coverage {coverage.Percent.ToString("0.0", CultureInfo.InvariantCulture)}% is under --min-coverage {min.ToString(CultureInfo.InvariantCulture)}%.");
            return ExitCodes.PolicyInvalidOrTestFailed;
        }

        return ExitCodes.Ok;
    }

    private static PolicyTestSuite Load(string testFile)
    {
        string full = PolicyFile.Existing(testFile);
        try
        {
            return PolicyTestSuite.Load(full);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException or ArgumentException or IOException)
        {
            throw new ToolException($"{testFile}: not a policy test file ({ex.Message.TrimEnd('.')}).", ExitCodes.InputUnreadable);
        }
    }

    /// <summary>JUnit XML as CI servers read it: a suite per test file, a case per test, a failure with the decision's reasons.</summary>
    private static void WriteJUnit(string path, List<(PolicyTestSuite Suite, IReadOnlyList<PolicyTestResult> Results)> suites)
    {
        var root = new XElement(
            "testsuites",
            new XAttribute("name", "customercraft test"),
            new XAttribute("tests", suites.Sum(s => s.Results.Count)),
            new XAttribute("failures", suites.Sum(s => s.Results.Count(r => !r.Passed))));
        foreach ((PolicyTestSuite suite, IReadOnlyList<PolicyTestResult> results) in suites)
        {
            string name = Path.GetFileName(suite.Source);
            var element = new XElement(
                "testsuite",
                new XAttribute("name", name),
                new XAttribute("tests", results.Count),
                new XAttribute("failures", results.Count(r => !r.Passed)),
                new XAttribute("errors", 0));
            foreach (PolicyTestResult result in results)
            {
                var testCase = new XElement("testcase", new XAttribute("classname", name), new XAttribute("name", result.Case.Name));
                if (!result.Passed)
                {
                    testCase.Add(new XElement("failure", new XAttribute("message", result.Failure!.Split('\n')[0]), result.Failure));
                }

                element.Add(testCase);
            }

            root.Add(element);
        }

        try
        {
            new XDocument(root).Save(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"{path}: cannot write the JUnit file ({ex.Message.TrimEnd('.')}).", ExitCodes.InputUnreadable);
        }
    }
}

/// <summary>One limit or condition of the policy that a test may exercise.</summary>
internal sealed record CoverageItem(string Path, string Text, bool IsCondition);

/// <summary>
/// Which limits and conditions took part in some test's decision: a limit checked for the requester's
/// role (its reason names its configuration path), a condition that applied (its reason names the
/// condition). As <c>opa test --coverage</c> shows the rules no test reached.
/// </summary>
internal sealed record Coverage(IReadOnlyList<CoverageItem> Items, IReadOnlyList<CoverageItem> NotExercised)
{
    public int Exercised => Items.Count - NotExercised.Count;

    public double Percent => Items.Count == 0 ? 100 : 100.0 * Exercised / Items.Count;

    public static Coverage Of(PolicyDescription description, string section, IEnumerable<PolicyTestResult> results)
    {
        var items = new List<CoverageItem>();
        foreach (RoleDescription role in description.Roles)
        {
            foreach (ActionAuthorityDescription action in role.Actions.Where(a => a.HasAuthority && !a.Unlimited))
            {
                string limit = $"{section}:Empowerment:Roles:{role.Name}:Limits:{action.Action}";
                if (action.PerIncidentAmount is not null)
                {
                    items.Add(new($"{limit}:PerIncident:Amount", action.Text, false));
                }

                if (action.PerIncidentCount is not null)
                {
                    items.Add(new($"{limit}:PerIncident:Count", action.Text, false));
                }

                foreach (BudgetDescription budget in action.Budgets)
                {
                    if (budget.Amount is not null)
                    {
                        items.Add(new($"{limit}:{budget.Scope}:Amount", budget.Text, false));
                    }

                    if (budget.Count is not null)
                    {
                        items.Add(new($"{limit}:{budget.Scope}:Count", budget.Text, false));
                    }
                }
            }
        }

        foreach (ConditionDescription condition in description.Conditions)
        {
            items.Add(new($"{section}:Empowerment:Conditions:{condition.Name}", condition.Text, true));
        }

        var touched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (PolicyTestResult result in results)
        {
            foreach (DecisionReason reason in result.Decision?.Reasons ?? [])
            {
                touched.Add(reason.ConfigurationPath);
                if (reason.Kind == DecisionReasonKind.Condition && reason.ConditionName is { } name)
                {
                    touched.Add($"{section}:Empowerment:Conditions:{name}");
                }
            }
        }

        return new Coverage(items, [.. items.Where(i => !touched.Contains(i.Path))]);
    }
}
