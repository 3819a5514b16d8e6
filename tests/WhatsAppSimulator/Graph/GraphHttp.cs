using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Serverless.Testing.WhatsAppSimulator.Graph;

/// <summary>Writing Graph responses and reading request bodies.</summary>
internal static class GraphHttp
{
    /// <summary>HttpContext item holding the raw request body captured by the recording middleware.</summary>
    public const string BodyItem = "sim.body";

    private static readonly byte[] SuccessBody = """{"messaging_product":"whatsapp","success":true}"""u8.ToArray();

    public static byte[] Body(HttpContext context) => context.Items[BodyItem] as byte[] ?? [];

    /// <summary>The body as a JSON object, or null when it is not one.</summary>
    public static JsonDocument? ParseObject(HttpContext context)
    {
        try
        {
            var document = JsonDocument.Parse(Body(context));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static Task WriteErrorAsync(HttpContext context, GraphError error)
    {
        if (error.Code == 190)
        {
            // Graph announces token problems in WWW-Authenticate as well (RFC 6750 §3).
            context.Response.Headers.WWWAuthenticate = "OAuth \"Facebook Platform\" \"invalid_token\" \"" + error.Message + "\"";
        }

        return WriteJsonAsync(context, error.ToJson(), error.Status);
    }

    public static Task WriteSuccessAsync(HttpContext context) => WriteJsonAsync(context, SuccessBody, HttpStatusCode.OK);

    public static async Task WriteJsonAsync(HttpContext context, byte[] json, HttpStatusCode status)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }

    public static byte[] WriteObject(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body(writer);
        }

        return buffer.ToArray();
    }

    public static string? String(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static bool Has(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public static bool IsDigits(string value) => value.Length is > 0 and <= 20 && value.All(char.IsAsciiDigit);
}
