using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Settings;

/// <summary>
/// What answers an inbound call on each business number inside business hours: the number's
/// <see cref="NumberCallingOptions.InboundPlan"/>, parsed once at start (and checked there by
/// <see cref="InboundPlanOptionsValidator"/>). Outside hours the closed-hours rule of <see cref="BusinessHoursGate"/> applies instead.
/// </summary>
public sealed class InboundPlans
{
    private readonly FrozenDictionary<string, JsonElement> _plans;

    public InboundPlans(IOptions<CallingSettingsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _plans = options.Value.Numbers
            .Where(n => !string.IsNullOrWhiteSpace(n.Value.InboundPlan))
            .ToFrozenDictionary(n => n.Key, n => Parse(n.Value.InboundPlan!), StringComparer.Ordinal);
    }

    /// <summary>The plan for an inbound call to <paramref name="phoneNumberId"/>, or null (silence until hung up).</summary>
    public JsonElement? For(string phoneNumberId) => _plans.TryGetValue(phoneNumberId, out var plan) ? plan : null;

    /// <summary>Null when <paramref name="json"/> can be an audio plan; else why not.</summary>
    internal static string? Check(string json)
    {
        try
        {
            var plan = Parse(json);
            // The steps are the node's to validate (it refuses a plan it cannot run); here the shape must hold.
            return plan.ValueKind == JsonValueKind.Object && plan.TryGetProperty("steps", out var steps) && steps.ValueKind == JsonValueKind.Array
                ? null
                : "must be a JSON object with a 'steps' array";
        }
        catch (JsonException ex)
        {
            return "is not valid JSON (" + ex.Message + ")";
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>Refuses to start with an inbound plan that is not a plan, naming the setting.</summary>
internal sealed class InboundPlanOptionsValidator : IValidateOptions<CallingSettingsOptions>
{
    public ValidateOptionsResult Validate(string? name, CallingSettingsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (phoneNumberId, number) in options.Numbers)
        {
            if (phoneNumberId.Length == 0 || !phoneNumberId.All(char.IsAsciiDigit))
            {
                failures.Add($"CallingSettings:Numbers:{phoneNumberId} must be keyed by a phone number id (digits).");
            }

            if (!string.IsNullOrWhiteSpace(number.InboundPlan) && InboundPlans.Check(number.InboundPlan) is { } problem)
            {
                failures.Add($"CallingSettings:Numbers:{phoneNumberId}:InboundPlan {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
