using System.Text.Json;

namespace Serverless.Functions.Flows;

/// <summary>
/// Completes a call's audio plan just before its start command goes to a node, with settings that live elsewhere
/// (the agent console fills in its queues' hold prompts). Returns the plan unchanged when there is nothing to add.
/// </summary>
public interface IStartPlanFilter
{
    Task<JsonElement?> ApplyAsync(JsonElement? plan, CancellationToken cancellationToken);
}
