using System.Text;
using System.Text.RegularExpressions;
using CustomerCraft.Escalation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Tests.Configuration;

/// <summary>The examples in docs/configuration.md are valid configuration, together.</summary>
public sealed partial class DocsExampleTests
{
    [Fact]
    public void The_example_settings_the_escalation_example_and_the_coaching_example_start_a_host()
    {
        string doc = File.ReadAllText(Repository.File("docs", "configuration.md"));
        string settings = FirstJsonBlockAfter(doc, "## Example settings");
        string escalation = FirstJsonBlockAfter(doc, "## Escalation");
        escalation.Should().StartWith("\"Escalation\"");
        string coaching = FirstJsonBlockAfter(doc, "## Coaching");
        coaching.Should().StartWith("\"Coaching\"");

        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(settings)))
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($"{{ \"CustomerCraft\": {{ {escalation} }} }}")))
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($"{{ \"CustomerCraft\": {{ {coaching} }} }}")))
            .Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        using ServiceProvider provider = services.BuildServiceProvider();

        // Resolving the workflow compiles and validates the whole policy, coaching settings included.
        Action start = () => provider.GetRequiredService<ICaseWorkflow>();

        start.Should().NotThrow();
    }

    private static string FirstJsonBlockAfter(string doc, string heading)
    {
        int at = doc.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        at.Should().BeGreaterThan(-1, $"docs/configuration.md has a '{heading}' heading");
        Match block = JsonBlock().Match(doc, at);
        block.Success.Should().BeTrue();
        return block.Groups[1].Value.Trim();
    }

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
