using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Shared.Transport;

namespace Serverless.MediaNode.Commands;

/// <summary>
/// <c>POST /wake</c> (only with <c>MediaNode:WakeEndpoint</c>, loopback only): the Functions ring it right after
/// queueing a command, and the command receiver's poll wait ends at once (<see cref="CommandWake"/>). It carries
/// nothing: the command itself still comes from the queue, with all its checks, so a missed or extra ring only
/// changes when the node looks.
/// </summary>
public static class WakeEndpoint
{
    /// <summary>The path the doorbell is served on.</summary>
    public const string Path = "/wake";

    /// <summary>Maps the doorbell.</summary>
    public static IEndpointRouteBuilder MapCommandWake(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(Path, (CommandWake wake) =>
        {
            wake.Wake();
            return Results.Accepted();
        });
        return endpoints;
    }
}
