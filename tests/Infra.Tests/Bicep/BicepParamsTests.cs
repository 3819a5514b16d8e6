using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>main.bicepparam (what azd deploys with) builds and lints clean against main.bicep, values from the environment.</summary>
public sealed class BicepParamsTests
{
    private static readonly Dictionary<string, string?> AzdEnvironment = new(StringComparer.Ordinal)
    {
        ["AZURE_ENV_NAME"] = "ci",
        ["AZURE_LOCATION"] = "westeurope",
        ["META_PHONE_NUMBER_ID"] = "100000000000001",
        ["META_PHONE_NUMBER_IDS"] = "100000000000001,100000000000002",
        ["WHATSAPP_GRAPH_ACCESS_TOKEN"] = "env-graph-token",
        ["META_APP_SECRET"] = "env-app-secret",
        ["META_VERIFY_TOKEN"] = "env-verify-token",
        ["MEDIA_EVENTS_SECRET"] = "env-media-events-secret",
        ["CALLBACK_SIGNING_SECRET"] = "env-callback-signing-secret",
        ["MEDIANODE_COUNT"] = "2",
        ["MEDIANODE_PUBLIC_ADDRESSES"] = """["192.0.2.10","192.0.2.11"]""",
        ["MEDIA_HOSTING"] = "aks",
        ["AKS_MAX_MEDIANODES"] = "12",
        ["FUNCTIONS_ALWAYS_READY_HTTP"] = "1",
        ["ALERT_EMAIL"] = null,
    };

    [Fact]
    public void BicepParamsLint_HasNoErrorOrWarning()
    {
        var result = BicepCli.Run(AzdEnvironment, "lint", "infra/bicep/main.bicepparam");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void BicepParamsBuild_TakesEveryValueFromTheEnvironmentWithItsType()
    {
        var result = BicepCli.Run(AzdEnvironment, "build-params", "infra/bicep/main.bicepparam", "--stdout");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Empty(result.Diagnostics);
        var parameters = JsonNode.Parse((string)JsonNode.Parse(result.StandardOutput)!["parametersJson"]!)!["parameters"]!;

        Assert.Equal("env-graph-token", (string?)parameters["graphAccessToken"]!["value"]);
        Assert.Equal("env-app-secret", (string?)parameters["metaAppSecret"]!["value"]);
        Assert.Equal("env-verify-token", (string?)parameters["metaVerifyToken"]!["value"]);
        Assert.Equal("env-media-events-secret", (string?)parameters["mediaEventsSecret"]!["value"]);
        Assert.Equal("env-callback-signing-secret", (string?)parameters["callbackSigningSecret"]!["value"]);
        Assert.Equal(2, (int)parameters["mediaNodeCount"]!["value"]!);
        Assert.Equal(["100000000000001", "100000000000002"], parameters["metaPhoneNumberIds"]!["value"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["192.0.2.10", "192.0.2.11"], parameters["mediaNodePublicAddresses"]!["value"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("aks", (string?)parameters["mediaHosting"]!["value"]);
        Assert.Equal(12, (int)parameters["aksMaxMediaNodes"]!["value"]!);
        Assert.Equal(2, (int)parameters["aksMinMediaNodes"]!["value"]!);
        Assert.Equal(1, (int)parameters["functionsAlwaysReadyHttp"]!["value"]!);
        Assert.Equal(string.Empty, (string?)parameters["alertEmail"]!["value"]);
    }

    [Fact]
    public void BicepParamsBuild_WithoutTheSecretsInTheEnvironment_Fails()
    {
        var withoutSecret = new Dictionary<string, string?>(AzdEnvironment, StringComparer.Ordinal) { ["META_APP_SECRET"] = null };
        var result = BicepCli.Run(withoutSecret, "build-params", "infra/bicep/main.bicepparam", "--stdout");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("META_APP_SECRET", result.StandardError, StringComparison.Ordinal);
    }
}
