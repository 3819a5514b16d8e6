using Microsoft.OpenApi;

namespace Serverless.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI description of every HTTP function. Operation ids are the [Function] names, so the
/// document, the functions and the Power Automate connector (connector/apiDefinition.swagger.json) share one
/// vocabulary. No host is written: per Swagger 2.0 the host serving the document is the API's host, which keeps
/// the served document identical to the checked-in connector file.
/// </summary>
public static class OpenApiDocumentBuilder
{
    /// <summary>
    /// Security scheme: the function key in the <c>x-functions-key</c> header. One scheme only, because a Power
    /// Automate custom connector takes a single API-key definition; the equivalent <c>code</c> query parameter is
    /// named in its description.
    /// </summary>
    public const string FunctionKeyScheme = "functionKey";

    private static readonly Lazy<string> CachedSwaggerJson = new(() => SerializeAsSwagger2(Build()));

    /// <summary>The document as Swagger 2.0 JSON (built once; it never changes at run time).</summary>
    public static string SwaggerJson => CachedSwaggerJson.Value;

    /// <summary>Builds the document.</summary>
    public static OpenApiDocument Build()
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "WhatsApp Business Calling",
                Version = "1.0",
                Description = "Place and manage WhatsApp Business calls, call permissions and calling settings.",
            },
            Servers = [new OpenApiServer { Url = "/api" }],
            Paths = [],
        };
        document.AddComponent<IOpenApiSecurityScheme>(FunctionKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "x-functions-key",
            Description = "Function key (Azure portal: Function App > App keys). The Functions host also accepts it as the code query parameter.",
        });
        OpenApiSchemas.AddTo(document);
        OpenApiOperations.AddTo(document);
        return document;
    }

    /// <summary>Serializes as Swagger 2.0 (what Power Automate custom connectors import).</summary>
    public static string SerializeAsSwagger2(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV2(new OpenApiJsonWriter(text));
        return text.ToString().ReplaceLineEndings("\n");
    }
}
