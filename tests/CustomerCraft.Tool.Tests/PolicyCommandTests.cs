using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace CustomerCraft.Tool.Tests;

/// <summary>validate, test, explain, diff, diagram and schema, run as a user runs them, on the quick start's and the broadband sample's policies.</summary>
public class PolicyCommandTests
{
    private static string Edit(TempDirectory temp, string source, string name, Action<JsonNode> edit)
    {
        JsonNode policy = JsonNode.Parse(File.ReadAllText(source))!;
        edit(policy);
        string path = temp.File(name);
        File.WriteAllText(path, policy.ToJsonString());
        return path;
    }

    /// <summary>
    /// The package installs as a local tool, as docs/workbench.md says, and runs as <c>dotnet customercraft</c>.
    /// The package cache is the test's own, so a package of the same version cached by an earlier
    /// run cannot stand in for the one packed here.
    /// </summary>
    [Fact]
    public void ThePackage_InstallsAsALocalTool_AndRunsAsDotnetCustomercraft()
    {
        using var temp = new TempDirectory();
        string feed = Directory.CreateDirectory(temp.File("feed")).FullName;
        string work = Directory.CreateDirectory(temp.File("work")).FullName;
        // The tool resolver cache (~/.dotnet/toolResolverCache) is shared too: an entry left by another
        // run points at that run's deleted package cache, and `dotnet customercraft` then says to run
        // `dotnet tool restore`. A CLI home of the test's own keeps both caches private.
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Directory.CreateDirectory(temp.File("packages")).FullName,
            ["DOTNET_CLI_HOME"] = Directory.CreateDirectory(temp.File("cli-home")).FullName,
        };

        ToolResult pack = Tool.RunDotnet(null, null, "pack", Path.Combine(Tool.Root, "src", "CustomerCraft.Tool", "CustomerCraft.Tool.csproj"), "-c", Tool.Configuration, "--no-build", "-o", feed);
        pack.ExitCode.Should().Be(0, pack.ToString());
        ToolResult manifest = Tool.RunDotnet(work, environment, "new", "tool-manifest");
        manifest.ExitCode.Should().Be(0, manifest.ToString());
        ToolResult install = Tool.RunDotnet(work, environment, "tool", "install", "--local", "CustomerCraft.Tool", "--add-source", feed, "--version", "0.1.0");
        install.ExitCode.Should().Be(0, install.ToString());
        ToolResult validate = Tool.RunDotnet(work, environment, "customercraft", "validate", Tool.Broadband);

        validate.ExitCode.Should().Be(0, validate.ToString());
        validate.Output.Should().Contain("broadband.json: valid. Policy version ");
        File.ReadAllText(Path.Combine(work, "dotnet-tools.json")).Should().Contain("\"customercraft\"");
    }

    [Theory]
    [InlineData("quick start")]
    [InlineData("broadband")]
    public void Validate_AValidPolicy_ExitsZeroWithItsVersion(string which)
    {
        ToolResult result = Tool.Run("validate", which == "broadband" ? Tool.Broadband : Tool.QuickStart);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().MatchRegex("valid. Policy version [0-9a-f]{16}");
    }

    [Fact]
    public void Validate_ABrokenPolicy_ExitsOneAndPrintsEveryErrorsPath()
    {
        using var temp = new TempDirectory();
        string broken = Edit(temp, Tool.QuickStart, "broken.json", p =>
        {
            p["CustomerCraft"]!["Empowerment"]!["Roles"]!["Agent"]!["Limits"]!["Refund"]!["PerIncident"]!["Amount"] = -5;
            p["CustomerCraft"]!["Empowerment"]!["Roles"]!["Agent"]!["Limits"]!["Teleport"] = new JsonObject { ["PerIncident"] = new JsonObject { ["Amount"] = 1 } };
        });

        ToolResult text = Tool.Run("validate", broken);
        ToolResult json = Tool.Run("validate", broken, "--format", "json");

        text.ExitCode.Should().Be(1, text.ToString());
        text.Output.Should().Contain("error: CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount: -5 is negative")
            .And.Contain("error: CustomerCraft:Empowerment:Roles:Agent:Limits:Teleport: 'Teleport' is not a configured action");
        json.ExitCode.Should().Be(1);
        JsonNode report = JsonNode.Parse(json.Output)!;
        report["valid"]!.GetValue<bool>().Should().BeFalse();
        report["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).Should().Contain(
            ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount", "CustomerCraft:Empowerment:Roles:Agent:Limits:Teleport"]);
    }

    [Fact]
    public void Validate_AnotherSection_IsFoundWithSection()
    {
        using var temp = new TempDirectory();
        string nested = Edit(temp, Tool.Broadband, "nested.json", p => p.AsObject().Add("Support", new JsonObject { ["Policy"] = p["CustomerCraft"]!.DeepClone() }));
        File.WriteAllText(nested, JsonNode.Parse(File.ReadAllText(nested))!.AsObject().Where(pair => pair.Key == "Support").Aggregate(new JsonObject(), (o, pair) => { o[pair.Key] = pair.Value!.DeepClone(); return o; }).ToJsonString());

        Tool.Run("validate", nested).ExitCode.Should().Be(1, "the file has no CustomerCraft section");
        Tool.Run("validate", nested, "--section", "Support:Policy").ExitCode.Should().Be(0);
    }

    [Fact]
    public void Test_TheBroadbandSuite_PassesWithCoverage()
    {
        ToolResult result = Tool.Run("test", Tool.Broadband, "--quiet");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().MatchRegex(@"\d+ passed, 0 failed, \d+ cases.").And.MatchRegex(@"Coverage: \d+ of \d+ limits and conditions exercised");
        Tool.Run("test", Tool.Broadband, "--quiet", "--min-coverage", "100").ExitCode.Should().Be(1, "some limits are exercised by no test, as the report lists");
    }

    [Fact]
    public void Test_AFailingCase_ExitsOnePrintsTheReasonsAndWritesJUnit()
    {
        using var temp = new TempDirectory();
        string tests = Edit(temp, Tool.BroadbandTests, "broadband.tests.json", suite =>
        {
            JsonObject first = suite["Cases"]!.AsObject().First().Value!.AsObject();
            first["Expect"] = new JsonObject { ["Outcome"] = first["Expect"]!["Outcome"]!.GetValue<string>() == "Denied" ? "Allowed" : "Denied" };
        });
        string firstName = JsonNode.Parse(File.ReadAllText(tests))!["Cases"]!.AsObject().First().Key;
        string junit = temp.File("results.xml");

        ToolResult result = Tool.Run("test", Tool.Broadband, "--tests", tests, "--junit", junit, "--quiet");

        result.ExitCode.Should().Be(1, result.ToString());
        result.Output.Should().Contain($"FAIL  {firstName}").And.Contain("The decision: ").And.MatchRegex(@"\d+ passed, 1 failed");
        XDocument xml = XDocument.Load(junit);
        XElement suiteElement = xml.Root!.Element("testsuite")!;
        suiteElement.Attribute("failures")!.Value.Should().Be("1");
        XElement failed = suiteElement.Elements("testcase").Single(c => c.Element("failure") is not null);
        failed.Attribute("name")!.Value.Should().Be(firstName);
        failed.Element("failure")!.Attribute("message")!.Value.Should().StartWith("Expected ");
        suiteElement.Elements("testcase").Count().Should().Be(int.Parse(suiteElement.Attribute("tests")!.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Explain_ARequestOverTheAgentsLimit_NamesTheApproverReasonsAndHeadroom()
    {
        ToolResult result = Tool.Run("explain", Tool.QuickStart, "--agent", "ana", "--role", "Agent", "--customer", "C-1001", "--incident", "T-503", "--action", "Refund", "--amount", "400", "--at", "2026-11-20T22:30:00Z");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("REQUIRES APPROVAL: ana cannot grant this alone; a Team lead (or higher) must approve.")
            .And.Contain("NO  Per-incident amount limit for Agent: 100 USD, used 0, remaining 100; this request needs 400.")
            .And.MatchRegex(@"Refund\s+up to 100 USD, 3 more grants");
    }

    [Fact]
    public void Explain_AnInvalidRequest_IsAUsageErrorOnOneLine()
    {
        ToolResult result = Tool.Run("explain", Tool.QuickStart, "--agent", "ana", "--role", "Pilot", "--customer", "C-1", "--incident", "T-1", "--action", "Refund", "--amount", "4");

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("Role 'Pilot' is not configured");
    }

    [Fact]
    public void Diff_OfAnEditedCopy_PrintsExactlyTheChangedLines()
    {
        using var temp = new TempDirectory();
        string edited = Edit(temp, Tool.QuickStart, "edited.json", p =>
        {
            p["CustomerCraft"]!["Empowerment"]!["Roles"]!["Agent"]!["Limits"]!["Refund"]!["PerIncident"]!["Amount"] = 150;
            p["CustomerCraft"]!["Empowerment"]!["Conditions"]!.AsObject().Remove("FraudSuspected");
        });

        ToolResult result = Tool.Run("diff", Tool.QuickStart, edited);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("changed  roles/Agent/actions/Refund/limit\n   - Agent, Refund: up to 100 USD per incident\n   + Agent, Refund: up to 150 USD per incident")
            .And.Contain("removed  conditions/FraudSuspected\n")
            .And.EndWith("1 changed, 0 added, 2 removed.\n");
    }

    [Fact]
    public void Diagram_DrawsTheWorkflowAndTheLadder()
    {
        ToolResult workflow = Tool.Run("diagram");
        ToolResult ladder = Tool.Run("diagram", Tool.QuickStart, "--show", "ladder", "--format", "dot");

        workflow.ExitCode.Should().Be(0, workflow.ToString());
        workflow.Output.Should().StartWith("stateDiagram").And.Contain("AwaitingApproval");
        ladder.ExitCode.Should().Be(0, ladder.ToString());
        ladder.Output.Should().StartWith("digraph ladder").And.Contain("L0 [label=\"Level 0: FrontLine (Agent)\"]").And.Contain("L1 -> L2");
        Tool.Run("diagram", "--show", "ladder").ExitCode.Should().Be(2, "a ladder needs a policy");
    }

    [Fact]
    public void Schema_PrintsTheShippedSchema()
    {
        ToolResult result = Tool.Run("schema");

        result.ExitCode.Should().Be(0);
        result.Output.Should().Be(File.ReadAllText(Path.Combine(Tool.Root, "docs", "customercraft.schema.json")));
    }

    [Fact]
    public void Help_NamesTheCommandAndEveryOption()
    {
        ToolResult root = Tool.Run("--help");
        ToolResult whatIf = Tool.Run("what-if", "--help");

        root.ExitCode.Should().Be(0);
        root.Output.Should().Contain("customercraft [command] [options]").And.Contain("what-if <policy> <edited>").And.Contain("130 cancelled");
        whatIf.Output.Should().Contain("customercraft what-if <policy> <edited> [options]")
            .And.Contain("--history").And.Contain("--sqlite").And.Contain("--postgres").And.Contain("--from").And.Contain("--section");
    }

    [Fact]
    public void Errors_AreOneLineWithTheirExitCode()
    {
        ToolResult usage = Tool.Run("validate", Tool.QuickStart, "--frmat", "json");
        ToolResult missing = Tool.Run("validate", Path.Combine(Tool.Root, "no-such-policy.json"));
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("bad.json"), "{ \"CustomerCraft\": ");
        ToolResult unreadable = Tool.Run("validate", temp.File("bad.json"));

        usage.ExitCode.Should().Be(2, usage.ToString());
        missing.ExitCode.Should().Be(3, missing.ToString());
        missing.Error.Should().Be($"customercraft: {Path.Combine(Tool.Root, "no-such-policy.json")}: no such file.\n");
        unreadable.ExitCode.Should().Be(3, unreadable.ToString());
        unreadable.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("customercraft: ").And.Contain("cannot be read as JSON");
        foreach (ToolResult result in new[] { usage, missing, unreadable })
        {
            result.Error.Should().NotContain("   at ", "errors never print a stack trace");
        }
    }
}
