using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Functions.AgentConsole;

/// <summary>
/// A queue's configured hold prompt (<c>PUT /api/console/queues/{name}</c>) reaches the node: each <c>connectAgent</c>
/// step without its own <c>holdPrompt</c> gets its queue's in the start command's plan, so callers waiting for that
/// queue's agents hear it. Read when the call starts (the node loops what the plan names); the step's own prompt wins.
/// A plan without such a step costs no storage read (the inbound answer path stays as fast).
/// </summary>
public sealed class QueueHoldPrompts(ConsoleStore store) : Flows.IStartPlanFilter
{
    private const string Step = "connectAgent";
    private const string Hold = "holdPrompt";

    /// <summary>The plan with queue hold prompts filled in, or the same plan when there is nothing to fill.</summary>
    public async Task<JsonElement?> ApplyAsync(JsonElement? plan, CancellationToken cancellationToken)
    {
        var queues = QueuesWithoutHold(plan);
        if (queues.Count == 0)
        {
            return plan;
        }

        var holds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in queues)
        {
            if (await store.GetQueueAsync(name, cancellationToken) is { HoldPrompt: { Length: > 0 } prompt })
            {
                holds[name] = prompt;
            }
        }

        if (holds.Count == 0)
        {
            return plan;
        }

        var root = JsonNode.Parse(plan!.Value.GetRawText())!;
        foreach (var step in root["steps"]!.AsArray())
        {
            if (step?[Step] is JsonObject agent && agent[Hold] is null && agent["queue"]?.GetValueKind() == JsonValueKind.String
                && holds.TryGetValue(agent["queue"]!.GetValue<string>(), out var prompt))
            {
                agent[Hold] = prompt;
            }
        }

        return JsonSerializer.SerializeToElement(root);
    }

    // The queues of connectAgent steps that name no hold prompt of their own (the plan was checked by the parser before).
    private static HashSet<string> QueuesWithoutHold(JsonElement? plan)
    {
        var queues = new HashSet<string>(StringComparer.Ordinal);
        if (plan is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
        {
            return queues;
        }

        foreach (var step in steps.EnumerateArray())
        {
            if (step.ValueKind == JsonValueKind.Object && step.TryGetProperty(Step, out var agent) && agent.ValueKind == JsonValueKind.Object
                && (!agent.TryGetProperty(Hold, out var hold) || hold.ValueKind == JsonValueKind.Null)
                && agent.TryGetProperty("queue", out var queue) && queue.ValueKind == JsonValueKind.String
                && ConsoleApi.DirectAgent(queue.GetString()!) is null)
            {
                queues.Add(queue.GetString()!);
            }
        }

        return queues;
    }
}
