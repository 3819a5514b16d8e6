using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Testing.FunctionsHost.Tests.Samples;

/// <summary>An internal function class, as an app that follows CA1515 writes them.</summary>
internal sealed class InternalFunctions(Greeter greeter)
{
    [Function("InternalPing")]
    internal IActionResult Ping([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "internal-ping")] HttpRequest request) =>
        new OkObjectResult(greeter.Greet("internal"));
}
