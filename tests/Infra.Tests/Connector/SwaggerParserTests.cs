using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests.Connector;

/// <summary>
/// The connector definition passes an independent Swagger 2.0 validator: @apidevtools/swagger-parser from npm
/// (a devDependency of package.json, installed by scripts/test.sh), run with node over the checked-in file. The
/// Power Platform rules on top of plain Swagger are in OpenApi/ConnectorRulesTests.
/// </summary>
public sealed class SwaggerParserTests
{
    private static readonly string Script = RepoPaths.Of("tests", "Infra.Tests", "Connector", "validate-swagger.mjs");

    [Fact]
    public void CheckedInConnector_IsValidSwagger2()
    {
        var (exit, result) = Validate(RepoPaths.Of("connector", "apiDefinition.swagger.json"));
        Assert.True(exit == 0 && (bool?)result["valid"] == true, result.ToJsonString());
        var operations = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("connector", "apiDefinition.swagger.json")))!["paths"]!.AsObject()
            .Sum(p => p.Value!.AsObject().Count);
        Assert.Equal(operations, (int?)result["operations"]);
    }

    [Fact]
    public void TheValidator_RefusesABrokenDefinition()
    {
        // The same file with one dangling reference: the validator must say so, or the test above proves nothing.
        var broken = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("connector", "apiDefinition.swagger.json")))!;
        broken["paths"]!["/calls/{id}"]!["get"]!["responses"]!["200"]!["schema"]!["$ref"] = "#/definitions/NoSuchDefinition";
        var path = Path.Combine(Path.GetTempPath(), $"broken-connector-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, broken.ToJsonString());
        try
        {
            var (exit, result) = Validate(path);
            Assert.NotEqual(0, exit);
            Assert.False((bool?)result["valid"]);
            Assert.Contains("NoSuchDefinition", (string?)result["error"], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int ExitCode, JsonNode Result) Validate(string file)
    {
        var package = RepoPaths.Of("node_modules", "@apidevtools", "swagger-parser", "package.json");
        Assert.True(File.Exists(package), "@apidevtools/swagger-parser is not installed: run scripts/test.sh (it runs npm ci) or npm ci");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(file);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the swagger validator ran longer than a minute");
        }

        var output = stdout.GetAwaiter().GetResult().Trim();
        Assert.True(output.Length > 0, "validator printed nothing; stderr: " + stderr.GetAwaiter().GetResult());
        return (process.ExitCode, JsonNode.Parse(output.Split('\n')[^1])!);
    }
}
