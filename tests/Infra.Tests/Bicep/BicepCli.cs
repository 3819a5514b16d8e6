using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// The Bicep CLI restored by infra/tools/bicep.csproj (NuGet Azure.Bicep.CommandLine.linux-x64, version from
/// Directory.Packages.props). Runs offline: the resource types are embedded in the binary.
/// </summary>
internal static partial class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string BinaryPath
    {
        get
        {
            var props = File.ReadAllText(RepoPaths.Of("Directory.Packages.props"));
            var version = VersionPattern().Match(props) is { Success: true } m
                ? m.Groups[1].Value
                : throw new InvalidOperationException("Azure.Bicep.CommandLine.linux-x64 has no PackageVersion in Directory.Packages.props.");
            return RepoPaths.Of("infra", "tools", ".pkgs", "azure.bicep.commandline.linux-x64", version, "tools", "bicep");
        }
    }

    public static BicepResult Run(params string[] arguments) => Run(new Dictionary<string, string?>(), arguments);

    /// <summary>
    /// Runs bicep with extra environment variables (what <c>readEnvironmentVariable</c> in a .bicepparam reads);
    /// a null value removes the variable from what the child process inherits.
    /// </summary>
    public static BicepResult Run(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var binary = BinaryPath;
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException("Bicep CLI missing: restore infra/tools/bicep.csproj (dotnet restore).", binary);
        }

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry or update checks from a test run.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} ran longer than {Timeout}.");
        }

        return new BicepResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"Include=""Azure\.Bicep\.CommandLine\.linux-x64""\s+Version=""([^""]+)""")]
    private static partial Regex VersionPattern();
}

/// <summary>Exit code and output of one bicep run.</summary>
internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Diagnostics of any level (bicep prints them to stderr as "... : Warning|Error|Info CODE: ...").</summary>
    public IReadOnlyList<string> Diagnostics =>
        [.. StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
