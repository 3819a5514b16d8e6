using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// The console's HTTP API under <c>/api/console/</c>: anonymous at the Functions level, every route checks the
/// signed-in agent (<see cref="ConsoleAuth"/>).
/// </summary>
public sealed partial class ConsoleApi(ConsoleAuth auth)
{
    /// <summary>Who is signed in: <c>{id, name}</c>.</summary>
    [Function("ConsoleMe")]
    public IActionResult Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/me")] HttpRequest request)
    {
        if (!auth.TryAuthenticate(request, out var agent, out var problem))
        {
            return problem;
        }

        return new OkObjectResult(new { id = agent.Id, name = agent.Name });
    }
}
