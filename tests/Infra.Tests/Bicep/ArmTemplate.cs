using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests.Bicep;

/// <summary>
/// The ARM JSON that <c>bicep build infra/bicep/main.bicep</c> produces, compiled once per test run, with the
/// few look-ups the tests need (nested module templates, variables, role assignments).
/// </summary>
internal sealed partial class ArmTemplate
{
    private static readonly Lazy<ArmTemplate> CompiledMain = new(() =>
    {
        var result = BicepCli.Run("build", "infra/bicep/main.bicep", "--stdout");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("bicep build failed:\n" + result.StandardError);
        }

        return new ArmTemplate(JsonNode.Parse(result.StandardOutput)!.AsObject());
    });

    public ArmTemplate(JsonObject root) => Root = root;

    public static ArmTemplate Main => CompiledMain.Value;

    public JsonObject Root { get; }

    public JsonObject Parameters => Root["parameters"]!.AsObject();

    public JsonObject Variables => Root["variables"]?.AsObject() ?? [];

    public IEnumerable<JsonObject> Resources => Root["resources"]!.AsArray().Select(r => r!.AsObject());

    /// <summary>The module deployment named <paramref name="name"/> (its <c>name</c> may be an expression containing it).</summary>
    public JsonObject ModuleDeployment(string name) =>
        Resources.Single(r => (string?)r["type"] == "Microsoft.Resources/deployments"
            && ((string)r["name"]!).Contains(name, StringComparison.Ordinal));

    /// <summary>The nested template of module <paramref name="name"/>.</summary>
    public ArmTemplate Module(string name) => new(ModuleDeployment(name)["properties"]!["template"]!.AsObject());

    public IEnumerable<JsonObject> ResourcesOfType(string type) => Resources.Where(r => (string?)r["type"] == type);

    /// <summary>Resolves <c>[variables('x')]</c> and <c>[variables('x').y]</c> to their literal values; other text is returned as is.</summary>
    public string Resolve(string value)
    {
        var match = VariableReference().Match(value);
        if (!match.Success)
        {
            return value;
        }

        JsonNode? node = Variables[match.Groups[1].Value];
        if (match.Groups[2].Success)
        {
            node = node?[match.Groups[2].Value];
        }

        return node?.GetValue<string>() ?? value;
    }

    /// <summary>
    /// Role assignments of this template as (principal expression, role definition GUID). Assignments made in a
    /// copy loop over a variable array (<c>[for role in storageRoles: ...]</c>) are expanded from that array.
    /// </summary>
    public IEnumerable<(string Principal, string RoleId, string ScopeType)> RoleAssignments()
    {
        foreach (var assignment in ResourcesOfType("Microsoft.Authorization/roleAssignments"))
        {
            var properties = assignment["properties"]!.AsObject();
            var principal = (string)properties["principalId"]!;
            var role = (string)properties["roleDefinitionId"]!;
            var scope = ScopeType().Match((string?)assignment["scope"] ?? string.Empty) is { Success: true } s ? s.Groups[1].Value : "resourceGroup";
            var loop = assignment["copy"]?["input"] is null ? (string?)assignment["copy"]?["count"] : null;
            // A loop over a literal array variable of { principalId, roleId } (a computed one keeps its expressions).
            if (loop is not null && CopyOverVariable().Match(loop) is { Success: true } copy && Variables[copy.Groups[1].Value] is JsonArray items)
            {
                foreach (var item in items)
                {
                    yield return (Resolve((string)item!["principalId"]!), RoleGuid(Resolve((string)item["roleId"]!)), scope);
                }

                continue;
            }

            yield return (principal, RoleGuid(Resolve(RoleArgument(role))), scope);
        }
    }

    private static string RoleArgument(string roleDefinitionId)
    {
        var match = RoleDefinitionArgument().Match(roleDefinitionId);
        return match.Success ? "[" + match.Groups[1].Value + "]" : roleDefinitionId;
    }

    private static string RoleGuid(string value) =>
        GuidPattern().Match(value) is { Success: true } m ? m.Value : value;

    [GeneratedRegex(@"^\[variables\('([A-Za-z0-9_]+)'\)(?:\.([A-Za-z0-9_]+))?\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"length\(variables\('([A-Za-z0-9_]+)'\)\)")]
    private static partial Regex CopyOverVariable();

    [GeneratedRegex(@"roleDefinitions', (.+)\)\]$")]
    private static partial Regex RoleDefinitionArgument();

    [GeneratedRegex(@"resourceId\('([A-Za-z./]+)'")]
    private static partial Regex ScopeType();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();
}
