using System.Text;
using System.Text.Json;

namespace Serverless.Functions.SignIn;

/// <summary>
/// The signed-in user App Service authentication passes in <c>X-MS-CLIENT-PRINCIPAL</c>: base64 of
/// <c>{"auth_typ": "aad", "claims": [{"typ": "…", "val": "…"}], "name_typ": "…", "role_typ": "…"}</c>
/// (Microsoft's "Work with user identities in App Service authentication"). App Service strips the header from
/// incoming requests and sets it itself, so it is only trusted where that holds (<see cref="SignedInUsers"/>).
/// </summary>
public sealed record ClientPrincipal(string Id, string Name, string IdentityProvider, IReadOnlySet<string> Roles)
{
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>Entra's object id claim after App Service's claim mapping, then the raw one.</summary>
    private static readonly string[] IdClaims = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];

    private const int MaxHeaderChars = 32 * 1024;

    /// <summary>Parses the header's value; null when it is absent, not base64 JSON of that shape, or names no object id.</summary>
    public static ClientPrincipal? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > MaxHeaderChars)
        {
            return null;
        }

        byte[] json;
        try
        {
            json = Convert.FromBase64String(header);
        }
        catch (FormatException)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var nameType = StringOf(root, "name_typ") ?? "name";
            var roleType = StringOf(root, "role_typ") ?? "roles";
            var values = new List<(string Type, string Value)>();
            foreach (var claim in claims.EnumerateArray())
            {
                if (claim.ValueKind == JsonValueKind.Object && StringOf(claim, "typ") is { } typ && StringOf(claim, "val") is { } val)
                {
                    values.Add((typ, val));
                }
            }

            var id = IdClaims.Select(t => values.FirstOrDefault(v => v.Type == t).Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
            if (id is null || id.Length > 128)
            {
                return null;
            }

            var name = values.FirstOrDefault(v => v.Type == nameType).Value
                ?? values.FirstOrDefault(v => v.Type == "name").Value
                ?? values.FirstOrDefault(v => v.Type == "preferred_username").Value
                ?? id;
            var roles = values.Where(v => v.Type == roleType || v.Type == "roles").Select(v => v.Value).ToHashSet(StringComparer.Ordinal);
            return new ClientPrincipal(id, name, StringOf(root, "auth_typ") ?? "", roles);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The header value App Service would send for this user (Entra shape); the development emulation and tests use it.</summary>
    public static string Encode(string id, string name, params string[] roles)
    {
        var claims = new List<object>
        {
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = id },
            new { typ = "name", val = name },
        };
        claims.AddRange(roles.Select(r => new { typ = "roles", val = r }));
        var json = JsonSerializer.Serialize(new { auth_typ = "aad", claims, name_typ = "name", role_typ = "roles" });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
