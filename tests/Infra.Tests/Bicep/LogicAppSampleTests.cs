using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// The Logic App sample's ARM JSON: the asynchronous request-reply pattern (no synchronous Response held open), a
/// function-scoped key kept in Key Vault and read with the workflow's own identity, never the host default key.
/// </summary>
public sealed class LogicAppSampleTests
{
    private static readonly Lazy<(ArmTemplate Template, string Text)> Sample = new(() =>
    {
        var result = BicepCli.Run("build", "infra/samples/logicapp-dial.bicep", "--stdout");
        Assert.True(result.ExitCode == 0, result.StandardError);
        return (new ArmTemplate(JsonNode.Parse(result.StandardOutput)!.AsObject()), result.StandardOutput);
    });

    [Fact]
    public void UsesAFunctionScopedKeyOnTheTwoFunctionsItCalls_NeverTheHostKey()
    {
        var (template, text) = Sample.Value;
        Assert.DoesNotContain("listKeys", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/host/", text, StringComparison.Ordinal);

        var keys = template.ResourcesOfType("Microsoft.Web/sites/functions/keys").Select(k => (string)k["name"]!).ToList();
        var functions = typeof(Serverless.Functions.Api.CallsApi).GetMethods()
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name).Where(n => n is not null).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(2, keys.Count);
        foreach (var function in new[] { "PlaceCall", "GetCallResult" })
        {
            Assert.Contains(function, functions); // the functions exist under these names
            Assert.Contains(keys, k => k.Contains($"/{function}/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ReadsTheKeyFromKeyVaultWithItsOwnIdentity_AllowedOnThatOneSecret()
    {
        var (template, text) = Sample.Value;
        var secret = Assert.Single(template.ResourcesOfType("Microsoft.KeyVault/vaults/secrets"));
        Assert.Equal("[parameters('dialKeyValue')]", (string?)secret["properties"]!["value"]);
        Assert.Equal("securestring", (string?)template.Parameters["dialKeyValue"]!["type"]);

        var workflow = Assert.Single(template.ResourcesOfType("Microsoft.Logic/workflows"));
        Assert.Equal("SystemAssigned", (string?)workflow["identity"]!["type"]);
        var assignment = Assert.Single(template.RoleAssignments());
        Assert.Equal(RoleIds.KeyVaultSecretsUser, assignment.RoleId);
        Assert.Equal("Microsoft.KeyVault/vaults/secrets", assignment.ScopeType);
        Assert.Contains("ManagedServiceIdentity", text, StringComparison.Ordinal);
        Assert.Contains("secureData", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DialsWithWaitAndPollsTheResult_AnsweringTheCallerAtOnce()
    {
        var (template, text) = Sample.Value;
        Assert.Contains("calls?wait=true", text, StringComparison.Ordinal);
        Assert.Contains("Retry-After", text, StringComparison.Ordinal);
        Assert.Contains("'Until'", text, StringComparison.Ordinal);
        Assert.Contains("[''Location'']", text, StringComparison.Ordinal); // ARM doubles the quotes inside expressions

        // The Request trigger's Response goes out as soon as the call is placed, not after the wait.
        var response = template.Variables["acceptedResponse"]!["Accepted"]!;
        Assert.Equal("Response", (string?)response["type"]);
        Assert.Equal(["Place_call"], response["runAfter"]!.AsObject().Select(p => p.Key));
        Assert.Equal(202, (int)response["inputs"]!["statusCode"]!);
    }
}
