using Microsoft.OpenApi;

namespace Serverless.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI description of every HTTP function. Operation ids are the [Function] names, so the
/// document, the functions and the Power Automate connector (connector/apiDefinition.swagger.json) share one
/// vocabulary. The served document has no host: per Swagger 2.0 the host serving it is the API's host. The connector
/// (<see cref="BuildConnector"/>) is the same document less the operations marked internal, with a placeholder host
/// that connector/apiProperties.json's dynamichosturl policy replaces with the connection's Function App host.
/// </summary>
public static class OpenApiDocumentBuilder
{
    /// <summary>
    /// Security scheme: the function key in the <c>x-functions-key</c> header. One scheme only, because a Power
    /// Automate custom connector takes a single API-key definition; the equivalent <c>code</c> query parameter is
    /// named in its description.
    /// </summary>
    public const string FunctionKeyScheme = "functionKey";

    /// <summary>The connector's placeholder host; the connection's <c>hostName</c> replaces it (dynamichosturl policy).</summary>
    public const string ConnectorPlaceholderHost = "your-function-app.azurewebsites.net";

    private static readonly Lazy<string> CachedSwaggerJson = new(() => SerializeAsSwagger2(Build()));
    private static readonly Lazy<string> CachedConnectorJson = new(() => SerializeAsSwagger2(BuildConnector()));

    /// <summary>The document as Swagger 2.0 JSON (built once; it never changes at run time).</summary>
    public static string SwaggerJson => CachedSwaggerJson.Value;

    /// <summary>The Power Automate connector's definition (connector/apiDefinition.swagger.json) as Swagger 2.0 JSON.</summary>
    public static string ConnectorJson => CachedConnectorJson.Value;

    /// <summary>
    /// The connector: only the business operations (<see cref="OpenApiOperations.NotInConnector"/>: Meta's webhook,
    /// the MediaNodes' events, this document and Admin-level operations are left out), served over https from a host
    /// set per connection.
    /// </summary>
    public static OpenApiDocument BuildConnector()
    {
        var document = Build();
        document.Servers = [new OpenApiServer { Url = "https://" + ConnectorPlaceholderHost + "/api" }];
        foreach (var (path, item) in document.Paths.ToList())
        {
            var operations = item.Operations!;
            foreach (var (method, operation) in operations.ToList())
            {
                if (OpenApiOperations.NotInConnector.Contains(operation.OperationId!))
                {
                    operations.Remove(method);
                }
            }

            if (operations.Count == 0)
            {
                document.Paths.Remove(path);
            }
        }

        return document;
    }

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
        PowerPlatform.Annotate(document);
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
