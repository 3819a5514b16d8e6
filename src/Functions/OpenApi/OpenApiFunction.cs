using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.OpenApi;

/// <summary>Serves the API description (Swagger 2.0) for Power Automate, Logic Apps and API tools. Anonymous: it holds no secret.</summary>
public sealed class OpenApiFunction
{
    /// <summary>The [Function] name, also the document's operation id for this endpoint.</summary>
    public const string FunctionName = "GetOpenApiDocument";

    [Function(FunctionName)]
    public static IActionResult Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ContentResult
        {
            Content = OpenApiDocumentBuilder.SwaggerJson,
            ContentType = "application/json; charset=utf-8",
            StatusCode = StatusCodes.Status200OK,
        };
    }
}
