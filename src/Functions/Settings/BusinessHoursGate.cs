using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Shared.WhatsApp.Graph;
using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Settings;

/// <summary>
/// Whether an inbound call arriving now is inside the number's <c>call_hours</c> (meta-calling-api.md §4). The
/// settings come from Graph and are reused for <see cref="CallingSettingsOptions.SettingsCacheTtl"/>, because the
/// connect webhook must be answered within Meta's window and the hours change rarely.
/// </summary>
public sealed partial class BusinessHoursGate(
    IWhatsAppGraphClient graph,
    IOptions<CallingSettingsOptions> options,
    TimeProvider time,
    ILogger<BusinessHoursGate> logger)
{
    private readonly ConcurrentDictionary<string, (CallingSettings Settings, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The audio plan for an inbound call outside business hours when configured to answer it
    /// (<see cref="ClosedHoursAction.PlayClosedHoursPrompt"/> with a prompt): play the prompt, then hang up.
    /// Null when such calls are rejected.
    /// </summary>
    public System.Text.Json.JsonElement? ClosedHoursPlan()
    {
        if (options.Value.OutsideHours != ClosedHoursAction.PlayClosedHoursPrompt || string.IsNullOrWhiteSpace(options.Value.ClosedHoursPrompt))
        {
            return null;
        }

        var plan = new System.Text.Json.Nodes.JsonObject
        {
            ["steps"] = new System.Text.Json.Nodes.JsonArray(
                new System.Text.Json.Nodes.JsonObject { ["prompt"] = options.Value.ClosedHoursPrompt },
                new System.Text.Json.Nodes.JsonObject { ["hangup"] = new System.Text.Json.Nodes.JsonObject() }),
        };
        using var document = System.Text.Json.JsonDocument.Parse(plan.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>What closed hours do (from <see cref="CallingSettingsOptions.OutsideHours"/>).</summary>
    public ClosedHoursAction OutsideHours => options.Value.OutsideHours;

    /// <summary>
    /// True when the number takes calls now. Settings Graph cannot deliver, or hours that do not validate, count as
    /// open: refusing every caller because a settings read failed would be worse than answering out of hours.
    /// </summary>
    public async Task<bool> IsOpenAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        CallingSettings settings;
        if (_cache.TryGetValue(phoneNumberId, out var cached) && cached.FetchedAt + options.Value.SettingsCacheTtl > now)
        {
            settings = cached.Settings;
        }
        else
        {
            try
            {
                settings = await graph.GetCallingSettingsAsync(phoneNumberId, cancellationToken: cancellationToken);
            }
            catch (WhatsAppGraphException ex)
            {
                LogSettingsUnavailable(ex, phoneNumberId);
                return true;
            }

            _cache[phoneNumberId] = (settings, now);
        }

        try
        {
            return BusinessHours.IsOpen(settings, now);
        }
        catch (ArgumentException ex)
        {
            LogInvalidHours(ex, phoneNumberId);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calling settings of number {PhoneNumberId} unavailable; treating the business as open")]
    private partial void LogSettingsUnavailable(Exception ex, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call hours of number {PhoneNumberId} are invalid; treating the business as open")]
    private partial void LogInvalidHours(Exception ex, string phoneNumberId);
}
