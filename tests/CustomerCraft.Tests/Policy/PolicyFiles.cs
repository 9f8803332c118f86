using Microsoft.Extensions.Configuration;

namespace CustomerCraft.Tests.Policy;

/// <summary>The repository's policy files and their test files, found from the test's working directory.</summary>
internal static class PolicyFiles
{
    public static string Broadband => Find("samples/policies/broadband.json");

    public static string BroadbandTests => Find("samples/policies/broadband.tests.json");

    public static string QuickStart => Find("samples/CustomerCraft.Samples.QuickStart/appsettings.json");

    public static string QuickStartTests => Find("samples/CustomerCraft.Samples.QuickStart/appsettings.tests.json");

    public static IConfigurationSection Section(string file) =>
        new ConfigurationBuilder().AddJsonFile(file).Build().GetSection("CustomerCraft");

    private static string Find(string relative)
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} was not found above {AppContext.BaseDirectory}.");
    }
}
