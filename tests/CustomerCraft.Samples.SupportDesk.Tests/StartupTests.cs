using System.Diagnostics;

namespace CustomerCraft.Samples.SupportDesk.Tests;

/// <summary>The SupportDesk process itself, started as an operator would start it.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task A_configuration_error_is_listed_without_a_stack_trace_exits_1_and_creates_no_database()
    {
        string directory = Directory.CreateTempSubdirectory("supportdesk-bad-config-").FullName;
        string database = Path.Combine(directory, "supportdesk.db");
        try
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CustomerCraft.Samples.SupportDesk.dll")])
            {
                // The sample's own folder: its appsettings.json is the configuration the operator edited.
                WorkingDirectory = SampleDirectory(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                    ["SupportDesk__Database"] = database,
                    ["SupportDesk__ConsoleTelemetry"] = "false",
                    ["CustomerCraft__Empowerment__Currency"] = "XYZ",
                    ["CustomerCraft__Empowerment__Roles__Agent__Rank"] = "-3",
                },
            };
            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            string errors = await stderr;
            string output = await stdout + errors;

            process.ExitCode.Should().Be(1, output);
            errors.Should().Contain("SupportDesk cannot start: its configuration has")
                .And.Contain("  - CustomerCraft:Empowerment:Currency").And.Contain("XYZ")
                .And.Contain("  - CustomerCraft:Empowerment:Roles:Agent:Rank");
            output.Should().NotContain("   at ", "an operator's mistake is not a crash: no stack trace")
                .And.NotContain("Unhandled exception");
            File.Exists(database).Should().BeFalse("validation runs before the database is created");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string SampleDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CustomerCraft.sln")))
            {
                return Path.Combine(dir.FullName, "samples", "CustomerCraft.Samples.SupportDesk");
            }
        }

        throw new DirectoryNotFoundException($"No CustomerCraft.sln above {AppContext.BaseDirectory}.");
    }
}
