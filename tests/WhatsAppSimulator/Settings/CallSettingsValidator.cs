using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Testing.WhatsAppSimulator.Graph;

namespace Serverless.Testing.WhatsAppSimulator.Settings;

/// <summary>The basic rules of §4: enum values, at most 2 call_hours entries per day without overlap, ≤ 20 holidays.</summary>
internal static class CallSettingsValidator
{
    private const int MaxEntriesPerDay = 2;
    private const int MaxHolidays = 20;
    private static readonly string[] Days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

    public static GraphError? Validate(JsonObject calling) =>
        CheckEnum(calling, "status", "ENABLED", "DISABLED")
        ?? CheckEnum(calling, "call_icon_visibility", "DEFAULT", "DISABLE_ALL")
        ?? CheckEnum(calling, "callback_permission_status", "ENABLED", "DISABLED")
        ?? CheckCallHours(calling["call_hours"]);

    private static GraphError? CheckCallHours(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject hours)
        {
            return GraphErrors.InvalidParameter("call_hours must be an object");
        }

        if (CheckEnum(hours, "status", "ENABLED", "DISABLED") is { } statusError)
        {
            return statusError;
        }

        if (hours["weekly_operating_hours"] is JsonArray weekly)
        {
            var perDay = new Dictionary<string, List<(int Open, int Close)>>(StringComparer.Ordinal);
            foreach (var item in weekly)
            {
                var day = Text(item, "day_of_week");
                if (day is null || !Days.Contains(day))
                {
                    return GraphErrors.ParameterNotOneOf("day_of_week", string.Join(", ", Days), day ?? string.Empty);
                }

                if (!TryTime(Text(item, "open_time"), out var open) || !TryTime(Text(item, "close_time"), out var close) || close <= open)
                {
                    return GraphErrors.InvalidParameter($"Invalid open_time/close_time for {day}");
                }

                if (!perDay.TryGetValue(day, out var slots))
                {
                    slots = [];
                    perDay[day] = slots;
                }

                if (slots.Count == MaxEntriesPerDay)
                {
                    return GraphErrors.InvalidParameter($"At most {MaxEntriesPerDay} weekly_operating_hours entries are allowed for {day}");
                }

                if (slots.Any(s => open < s.Close && s.Open < close))
                {
                    return GraphErrors.InvalidParameter($"Overlapping weekly_operating_hours entries for {day}");
                }

                slots.Add((open, close));
            }
        }

        if (hours["holiday_schedule"] is JsonArray holidays)
        {
            if (holidays.Count > MaxHolidays)
            {
                return GraphErrors.InvalidParameter($"At most {MaxHolidays} holiday_schedule entries are allowed");
            }

            foreach (var item in holidays)
            {
                if (!DateOnly.TryParseExact(Text(item, "date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    return GraphErrors.InvalidParameter("holiday_schedule date must be YYYY-MM-DD");
                }
            }
        }

        return null;
    }

    private static GraphError? CheckEnum(JsonObject owner, string name, params string[] allowed)
    {
        var node = owner[name];
        if (node is null)
        {
            return null;
        }

        var value = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
        return allowed.Contains(value) ? null : GraphErrors.ParameterNotOneOf(name, string.Join(", ", allowed), value);
    }

    private static string? Text(JsonNode? owner, string name) =>
        owner is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    // "HHMM", 0000–2359.
    private static bool TryTime(string? text, out int minutes)
    {
        minutes = 0;
        if (text is not { Length: 4 } || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        var hours = int.Parse(text.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var mins = int.Parse(text.AsSpan(2, 2), CultureInfo.InvariantCulture);
        minutes = (hours * 60) + mins;
        return hours < 24 && mins < 60;
    }
}
