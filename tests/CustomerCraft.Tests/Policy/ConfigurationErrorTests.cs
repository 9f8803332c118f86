using System.Text;
using CustomerCraft.Policy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// Every configuration error in one pass, each naming its path: wrong shapes (a list where a
/// string belongs, an object where a number belongs), empty strings that must not become defaults,
/// settings that do not belong to a test kind or an effect, from in-memory providers and from JSON,
/// binding and compile errors together.
/// </summary>
public class ConfigurationErrorTests
{
    /// <summary>A policy with one mistake of every kind, as in-memory settings.</summary>
    private static Dictionary<string, string?> EverythingWrong()
    {
        Dictionary<string, string?> s = Ladder()
            .Without("Currency")
            .With("Currency:0", "USD")
            .Without("Roles:Agent:Limits:Refund:PerIncident:Amount")
            .With("Roles:Agent:Limits:Refund:PerIncident:Amount:Value", "100")
            .With("TimeZone", string.Empty)
            .With("Roles:TeamLead:Rank", string.Empty)
            .With("Actions:Credit:Description", "Account credit")
            .With("Roles:Agent:Limits:Credit:PerIncident:Amount", "50")
            .With("Roles:Manager:Limits:Credit:PerIncident:Amount", "20");
        s[$"{C}:Fraud:When:Attribute"] = "ReasonCodes";
        s[$"{C}:Fraud:When:In:0"] = "Fraud";
        s[$"{C}:Fraud:Effect"] = "Deny";
        s[$"{C}:Fraud:Multiplier"] = "2";
        s[$"{C}:Fraud:Roles:0"] = "Agent";
        s[$"{C}:Cap:When:AllOf:0:Test"] = "Nope";
        s[$"{C}:Cap:Effect"] = "Limit";
        s[$"{C}:Cap:Limit"] = "50";
        s[$"{C}:Cap:ApproverRole"] = "Manager";
        s[$"{C}:Old:Type"] = "Segment";
        s[$"{C}:Old:When:Attribute"] = "CustomerSegment";
        s[$"{C}:Old:When:In:0"] = "Gold";
        s[$"{C}:Old:Effect"] = "Allow";
        s[$"{C}:Boost:When:Attribute"] = "CustomerSegment";
        s[$"{C}:Boost:When:In:0"] = "Gold";
        s[$"{C}:Boost:When:Parameters:k"] = "v";
        s[$"{C}:Boost:Effect"] = "Multiply";
        s[$"{C}:Boost:Multiplier"] = "2";
        s["CustomerCraft:Escalation:Levels:FrontLine:Level"] = "0";
        s["CustomerCraft:Escalation:Levels:FrontLine:Role"] = "Ghost";
        return s;
    }

    /// <summary>The same policy as JSON.</summary>
    private const string EverythingWrongJson = """
        {
          "CustomerCraft": {
            "Empowerment": {
              "Currency": [ "USD" ],
              "TimeZone": "",
              "Actions": { "Refund": { "Description": "Money back" }, "Credit": { "Description": "Account credit" } },
              "Roles": {
                "Agent": { "Rank": 10, "Limits": { "Refund": { "PerIncident": { "Amount": { "Value": 100 } } }, "Credit": { "PerIncident": { "Amount": 50 } } } },
                "TeamLead": { "Rank": "", "Limits": { "Refund": { "PerIncident": { "Amount": 1000 } } } },
                "Manager": { "Rank": 30, "Limits": { "Refund": { "PerIncident": { "Amount": 5000 } }, "Credit": { "PerIncident": { "Amount": 20 } } } }
              },
              "Conditions": {
                "Fraud": { "When": { "Attribute": "ReasonCodes", "In": [ "Fraud" ] }, "Effect": "Deny", "Multiplier": 2, "Roles": [ "Agent" ] },
                "Cap": { "When": { "AllOf": [ { "Test": "Nope" } ] }, "Effect": "Limit", "Limit": 50, "ApproverRole": "Manager" },
                "Old": { "Type": "Segment", "When": { "Attribute": "CustomerSegment", "In": [ "Gold" ] }, "Effect": "Allow" },
                "Boost": { "When": { "Attribute": "CustomerSegment", "In": [ "Gold" ], "Parameters": { "k": "v" } }, "Effect": "Multiply", "Multiplier": 2 }
              }
            },
            "Escalation": { "Levels": { "FrontLine": { "Level": 0, "Role": "Ghost" } } }
          }
        }
        """;

    /// <summary>The path each error of <see cref="EverythingWrong"/> must start with.</summary>
    private static readonly string[] s_expectedPaths =
    [
        $"{E}:Currency: ",
        $"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount: ",
        $"{E}:TimeZone: ",
        $"{E}:Roles:TeamLead:Rank: ",
        $"{E}:Roles:Manager:Limits:Credit:PerIncident:Amount: ",
        $"{C}:Fraud:Multiplier: ",
        $"{C}:Fraud:Roles: ",
        $"{C}:Cap:When:AllOf:0:Test: ",
        $"{C}:Cap:ApproverRole: ",
        $"{C}:Old:Type: ",
        $"{C}:Boost:When:Parameters: ",
        "CustomerCraft:Escalation:Levels:FrontLine:Role: ",
    ];

    private static void ShouldBeExactlyTheExpectedErrors(IReadOnlyList<string> errors)
    {
        string all = string.Join(Environment.NewLine, errors);
        foreach (string path in s_expectedPaths)
        {
            errors.Should().ContainSingle(e => e.StartsWith(path, StringComparison.Ordinal), $"one error names {path}\n{all}");
        }

        errors.Should().HaveCount(s_expectedPaths.Length, all);
        errors.Should().Contain(e => e.StartsWith($"{E}:Currency: ", StringComparison.Ordinal) && e.Contains("a list where a single text value is expected", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount: ", StringComparison.Ordinal) && e.Contains("a group of settings where a single number is expected", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith($"{E}:Roles:TeamLead:Rank: empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_FromAnInMemoryProvider_AreAllReportedAtOnceEachWithItsPath()
    {
        ShouldBeExactlyTheExpectedErrors(Errors(EverythingWrong()));
    }

    [Fact]
    public void Errors_FromAJsonStream_AreTheSameAsFromMemory()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(EverythingWrongJson))).Build();

        ShouldBeExactlyTheExpectedErrors(Errors(configuration));
    }

    [Fact]
    public void Errors_FromAJsonFile_AreTheSameAsFromMemory()
    {
        string file = Path.Combine(Path.GetTempPath(), $"customercraft-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, EverythingWrongJson);
        try
        {
            IConfigurationRoot configuration = new ConfigurationBuilder().AddJsonFile(file).Build();

            ShouldBeExactlyTheExpectedErrors(Errors(configuration));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Errors_ThroughAConfigurationAddedToAnother_AreTheSame()
    {
        IConfigurationRoot inner = new ConfigurationBuilder().AddInMemoryCollection(EverythingWrong()).Build();
        IConfigurationRoot outer = new ConfigurationBuilder().AddConfiguration(inner).Build();

        ShouldBeExactlyTheExpectedErrors(Errors(outer));
    }

    [Fact]
    public async Task Errors_StopTheGenericHostAtStartWithAllOfThem()
    {
        string file = Path.Combine(Path.GetTempPath(), $"customercraft-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, EverythingWrongJson);
        try
        {
            HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddJsonFile(file);
            builder.Services.AddCustomerCraft(builder.Configuration.GetSection("CustomerCraft"));
            using IHost host = builder.Build();

            Func<Task> start = () => host.StartAsync();

            ShouldBeExactlyTheExpectedErrors([.. (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Errors_OfThePolicyTestRunner_AreTheSame()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(EverythingWrong()).Build();

        Action create = () => _ = new PolicyTestRunner(configuration.GetSection("CustomerCraft"));

        ShouldBeExactlyTheExpectedErrors([.. create.Should().Throw<OptionsValidationException>().Which.Failures]);
    }

    // ---- Empty strings never become defaults ----

    [Theory]
    [InlineData("Currency")]
    [InlineData("TimeZone")]
    public void EmptyString_ForCurrencyOrTimeZone_IsAnErrorNotTheDefault(string setting)
    {
        Errors(Ladder().With(setting, string.Empty)).Should().ContainSingle().Which.Should().StartWith($"{E}:{setting}: ");
    }

    [Theory]
    [InlineData("Currency")]
    [InlineData("TimeZone")]
    [InlineData("Roles:Agent:Rank")]
    public void EmptyString_ThroughAddConfiguration_IsStillAnErrorNotTheDefault(string setting)
    {
        // The issue: "whether the section comes from a JSON file or from AddConfiguration/in-memory
        // providers (an empty string must not silently become a default such as USD or UTC)".
        IConfigurationRoot inner = new ConfigurationBuilder().AddInMemoryCollection(Ladder().With(setting, string.Empty)).Build();
        IConfigurationRoot outer = new ConfigurationBuilder().AddConfiguration(inner).Build();

        Errors(outer).Should().ContainSingle().Which.Should().StartWith($"{E}:{setting}: ");
    }

    [Theory]
    [InlineData("Currency", " ")]
    [InlineData("TimeZone", " ")]
    [InlineData("Currency", "usd")]
    public void BlankOrMiscasedCurrencyOrTimeZone_IsAnError(string setting, string value)
    {
        Errors(Ladder().With(setting, value)).Should().ContainSingle().Which.Should().StartWith($"{E}:{setting}: ");
    }

    [Fact]
    public void JsonNull_ForCurrency_KeepsTheDefault()
    {
        const string Json = """
            { "CustomerCraft": { "Empowerment": { "Currency": null,
              "Actions": { "Refund": {} },
              "Roles": { "Agent": { "Rank": 10, "Limits": { "Refund": { "PerIncident": { "Amount": 100 } } } } } } } }
            """;

        Errors(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json))).Build()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Roles:Agent:Rank")]
    [InlineData("Roles:Agent:Limits:Refund:PerIncident:Amount")]
    [InlineData("Roles:Agent:IsBot")]
    [InlineData("FirstDayOfWeek")]
    public void EmptyString_ForANumberSwitchOrEnumeration_IsAnErrorWithItsPath(string setting)
    {
        Errors(Ladder().With(setting, string.Empty)).Should().ContainSingle().Which.Should().StartWith($"{E}:{setting}: empty");
    }

    [Theory]
    [InlineData("Effect")]
    [InlineData("Multiplier")]
    [InlineData("AppliesTo")]
    public void EmptyString_InAConditionWhereAValueBelongs_IsAnError(string setting)
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("Boost", "X", "Multiply", ("Multiplier", "2"));
        s[$"{C}:Boost:{setting}"] = string.Empty;

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{C}:Boost:{setting}: empty");
    }

    [Theory]
    [InlineData("When:Test")]
    [InlineData("When:Attribute")]
    [InlineData("When:Condition")]
    public void EmptyString_ForATestsReference_IsAnError(string setting)
    {
        Dictionary<string, string?> s = Ladder();
        s[$"{C}:Empty:{setting}"] = string.Empty;
        s[$"{C}:Empty:Effect"] = "Deny";

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{C}:Empty:{setting}: ");
    }

    [Fact]
    public void EmptyString_ForApproverRole_IsAnError()
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("Ask", "X", "RequireApproval", ("ApproverRole", string.Empty));

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{C}:Ask:ApproverRole: ");
    }

    // ---- Shapes ----

    [Theory]
    [InlineData("Conditions:C1:When:Test:0", "T", "Conditions:C1:When:Test: a list where a single text value is expected")]
    [InlineData("Conditions:C1:Actions", "Refund", "Conditions:C1:Actions: 'Refund' is a single value where a list is expected")]
    [InlineData("Roles:Agent:Limits:Refund:PerIncident", "100", "Roles:Agent:Limits:Refund:PerIncident: '100' is a single value where a group of settings is expected")]
    [InlineData("Conditions:C1:When:AnyOf:First:Test", "T", "Conditions:C1:When:AnyOf:First: 'First' is a named entry where a list is expected")]
    [InlineData("Conditions:C1:Effect", "Denied", "Conditions:C1:Effect: 'Denied' is not a valid ConditionEffect")]
    [InlineData("Conditions:C1:Effect", "4", "Conditions:C1:Effect: '4' is not a valid ConditionEffect")]
    [InlineData("Conditions:C1:Effect", "Deny, Allow", "Conditions:C1:Effect: 'Deny, Allow' is not a valid ConditionEffect")]
    [InlineData("Conditions:C1:Multiplier:0", "2", "Conditions:C1:Multiplier: a list where a single number is expected")]
    [InlineData("Tests:T:Within", "14 days", "Tests:T:Within: '14 days' is not a valid time span")]
    public void Shape_Mistakes_AreBindingErrorsWithTheirExactPath(string key, string value, string expected)
    {
        Dictionary<string, string?> s = Ladder().With("Attributes:Started:Type", "DateTime");
        s[$"{E}:Tests:T:Attribute"] = "Started";
        s[$"{E}:Tests:T:Within"] = "14.00:00:00";
        s[$"{C}:C1:When:Test"] = "T";
        s[$"{C}:C1:Effect"] = "Multiply";
        s[$"{C}:C1:Multiplier"] = "2";
        if (key.Contains(":Test:0", StringComparison.Ordinal) || key.Contains(":AnyOf:", StringComparison.Ordinal))
        {
            s.Remove($"{C}:C1:When:Test");
        }

        if (key.EndsWith("Multiplier:0", StringComparison.Ordinal))
        {
            s.Remove($"{C}:C1:Multiplier");
        }

        if (key.EndsWith(":PerIncident", StringComparison.Ordinal))
        {
            s.Remove($"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount");
        }

        s[$"{E}:{key}"] = value;

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().Contain(e => e.StartsWith($"{E}:{expected}", StringComparison.Ordinal), string.Join(Environment.NewLine, errors));
        errors.Should().HaveCount(1, "a binding error is not repeated as a missing setting: " + string.Join(Environment.NewLine, errors));
    }

    [Theory]
    [InlineData("Multiplier", "1,5")]
    [InlineData("Multiplier", "1,000")]
    [InlineData("Limit", "1,5")]
    public void Number_WithACommaInConfiguration_IsABindingErrorNotAnotherNumber(string setting, string value)
    {
        // "1,5" written by someone who means one and a half must not bind as 15.
        Dictionary<string, string?> s = Ladder().WithCodeCondition("N", "X", setting == "Limit" ? "Limit" : "Multiply", (setting, value));

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{C}:N:{setting}: ");
    }

    // ---- Settings that do not belong ----

    [Theory]
    [InlineData("Deny", "Multiplier", "2")]
    [InlineData("Deny", "Limit", "2")]
    [InlineData("Deny", "AppliesTo", "PerIncident")]
    [InlineData("Deny", "ApproverRole", "Manager")]
    [InlineData("Deny", "Roles:0", "Agent")]
    [InlineData("RequireApproval", "Roles:0", "Agent")]
    [InlineData("RequireApproval", "Multiplier", "2")]
    [InlineData("Allow", "Multiplier", "2")]
    [InlineData("Allow", "AppliesTo", "PerIncident")]
    [InlineData("Allow", "ApproverRole", "Manager")]
    [InlineData("Limit", "ApproverRole", "Manager")]
    [InlineData("Limit", "Multiplier", "2")]
    [InlineData("Multiply", "Limit", "50")]
    [InlineData("Multiply", "ApproverRole", "Manager")]
    public void Setting_ThatDoesNotBelongToTheEffect_IsAStartUpErrorWithItsPath(string effect, string setting, string value)
    {
        (string, string)[] own = effect switch
        {
            "Multiply" => [("Multiplier", "2")],
            "Limit" => [("Limit", "50")],
            _ => [],
        };
        Dictionary<string, string?> s = Ladder().WithCodeCondition("C", "X", effect, [.. own, (setting, value)]);

        string settingPath = setting.EndsWith(":0", StringComparison.Ordinal) ? setting[..^2] : setting;
        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{C}:C:{settingPath}: ");
    }

    [Theory]
    [InlineData("Multiply", "Multiplier")]
    [InlineData("Limit", "Limit")]
    public void Setting_ThatTheEffectNeeds_IsAStartUpErrorWhenMissing(string effect, string setting)
    {
        Errors(Ladder().WithCodeCondition("C", "X", effect)).Should().ContainSingle().Which.Should().StartWith($"{C}:C:{setting}: ");
    }

    [Fact]
    public void Setting_OfTheOldConditionShape_IsNotAKnownSetting()
    {
        Dictionary<string, string?> s = Ladder();
        s[$"{C}:Gold:Type"] = "Segment";
        s[$"{C}:Gold:Segments:0"] = "Gold";
        s[$"{C}:Gold:Attribute"] = "Tier";
        s[$"{C}:Gold:Minimum"] = "3";
        s[$"{C}:Gold:Outcome"] = "Deny";

        IReadOnlyList<string> errors = Errors(s);

        foreach (string old in new[] { "Type", "Segments", "Attribute", "Minimum", "Outcome" })
        {
            errors.Should().Contain(e => e.StartsWith($"{C}:Gold:{old}: not a known setting", StringComparison.Ordinal));
        }
    }
}
