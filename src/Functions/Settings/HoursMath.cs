using System.Diagnostics.CodeAnalysis;

namespace Serverless.Functions.Settings;

/// <summary>Parsing shared by validation and <see cref="BusinessHours"/>.</summary>
internal static class HoursMath
{
    /// <summary>Minutes after midnight of a 4-digit <c>HHmm</c> (0000–2359), or null when malformed.</summary>
    public static int? ParseHhmm(string? text)
    {
        if (text is not { Length: 4 } || !text.All(char.IsAsciiDigit))
        {
            return null;
        }

        var hours = ((text[0] - '0') * 10) + (text[1] - '0');
        var minutes = ((text[2] - '0') * 10) + (text[3] - '0');
        return hours < 24 && minutes < 60 ? (hours * 60) + minutes : null;
    }

    /// <summary>Looks up an IANA id; Windows ids and offsets are refused because Meta takes IANA ids only.</summary>
    public static bool TryFindZone(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        // "UTC+3" style and Windows names resolve on some hosts; Meta wants Area/Location (or UTC itself).
        if (!id.Contains('/', StringComparison.Ordinal) && id != "UTC")
        {
            return false;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) || !found.HasIanaId)
        {
            return false;
        }

        zone = found;
        return true;
    }
}
