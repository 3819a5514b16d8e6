using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Functions.Http;
using Serverless.Shared.Media;

namespace Serverless.Functions.Api;

/// <summary>
/// Body of <c>POST /api/calls/{id}/play</c>: exactly one of <c>prompt</c> (a bundled prompt name or an http(s) blob
/// URI in the media storage account) or <c>tone</c> <c>{hz, ms}</c>, with optional <c>bargeIn</c> and
/// <c>thenCollect</c> <c>{maxDigits, terminator?, timeoutSeconds, name?}</c>. The limits are the audio plan's
/// (prompt, tone and collect steps). Strict: unknown members are errors, and every error names its field.
/// </summary>
public static partial class PlayBody
{
    public const int MinHz = 20;
    public const int MaxHz = 8000;
    public const int MinToneMs = 20;
    public const int MaxToneMs = 600_000;
    public const int MaxDigits = 32;
    public const double MinTimeoutSeconds = 0.1;
    public const double MaxTimeoutSeconds = 300;
    public const int MaxNameLength = 64;

    private const string Terminators = "0123456789*#ABCD";

    /// <summary>Parses the body into the node's <see cref="PlayRequest"/> and a short text for the call's history.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> body, [NotNullWhen(true)] out PlayRequest? request, out string what, out string? problem, out bool invalidJson)
    {
        request = null;
        what = string.Empty;
        invalidJson = !JsonObjectBody.TryParse(body, out var doc, out problem);
        if (invalidJson)
        {
            return false;
        }

        using (doc)
        {
            return TryRead(doc!.RootElement, out request, out what, out problem);
        }
    }

    private static bool TryRead(JsonElement root, [NotNullWhen(true)] out PlayRequest? request, out string what, out string? problem)
    {
        request = null;
        what = string.Empty;
        if (Unknown(root, "", "prompt", "tone", "bargeIn", "thenCollect") is { } unknown)
        {
            problem = unknown;
            return false;
        }

        var hasPrompt = root.TryGetProperty("prompt", out var prompt);
        var hasTone = root.TryGetProperty("tone", out var tone);
        if (hasPrompt == hasTone)
        {
            problem = "Give exactly one of 'prompt' or 'tone'.";
            return false;
        }

        PlayRequest played;
        if (hasPrompt)
        {
            if (!TryPrompt(prompt, out var uri, out problem))
            {
                return false;
            }

            played = new PlayRequest { Kind = PlayKind.Prompt, Uri = uri };
            // The history shows no query: a blob URI may carry a SAS token.
            what = "prompt " + (uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString);
        }
        else
        {
            if (!TryTone(tone, out var hz, out var ms, out problem))
            {
                return false;
            }

            played = new PlayRequest { Kind = PlayKind.Tone, FrequencyHz = hz, Duration = TimeSpan.FromMilliseconds(ms) };
            what = string.Create(CultureInfo.InvariantCulture, $"tone {hz} Hz, {ms} ms");
        }

        if (root.TryGetProperty("bargeIn", out var bargeIn))
        {
            if (bargeIn.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problem = "'bargeIn' must be true or false.";
                return false;
            }

            played = played with { BargeIn = bargeIn.GetBoolean() };
        }

        if (root.TryGetProperty("thenCollect", out var collect))
        {
            if (!TryCollect(collect, out var then, out problem))
            {
                return false;
            }

            played = played with { Collect = then };
            what += string.Create(CultureInfo.InvariantCulture, $", then collect up to {then.MaxDigits} digits") + (then.Name is null ? "" : $" as '{then.Name}'");
        }

        request = played;
        problem = null;
        return true;
    }

    private static bool TryPrompt(JsonElement prompt, [NotNullWhen(true)] out Uri? uri, out string? problem)
    {
        uri = null;
        var text = prompt.ValueKind == JsonValueKind.String ? prompt.GetString()! : null;
        if (text is not null && BundledName().IsMatch(text))
        {
            uri = new Uri(text, UriKind.Relative);
        }
        else if (text is not null && Uri.TryCreate(text, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http")
        {
            uri = absolute;
        }

        problem = uri is null
            ? "'prompt' must be a bundled prompt name ([A-Za-z0-9_-], up to 64) or an http(s) URI of a blob in the media storage account."
            : null;
        return uri is not null;
    }

    private static bool TryTone(JsonElement tone, out int hz, out int ms, out string? problem)
    {
        hz = 0;
        ms = 0;
        if (tone.ValueKind != JsonValueKind.Object)
        {
            problem = "'tone' must be an object {hz, ms}.";
            return false;
        }

        problem = Unknown(tone, "tone.", "hz", "ms")
            ?? Whole(tone, "hz", "tone.hz", MinHz, MaxHz, required: true, out hz)
            ?? Whole(tone, "ms", "tone.ms", MinToneMs, MaxToneMs, required: true, out ms);
        return problem is null;
    }

    private static bool TryCollect(JsonElement collect, [NotNullWhen(true)] out PlayCollect? then, out string? problem)
    {
        then = null;
        if (collect.ValueKind != JsonValueKind.Object)
        {
            problem = "'thenCollect' must be an object {maxDigits, terminator?, timeoutSeconds, name?}.";
            return false;
        }

        var maxDigits = 0;
        problem = Unknown(collect, "thenCollect.", "maxDigits", "terminator", "timeoutSeconds", "name")
            ?? Whole(collect, "maxDigits", "thenCollect.maxDigits", 1, MaxDigits, required: true, out maxDigits);
        if (problem is not null)
        {
            return false;
        }

        if (!collect.TryGetProperty("timeoutSeconds", out var timeout) || timeout.ValueKind != JsonValueKind.Number
            || !timeout.TryGetDouble(out var seconds) || seconds is < MinTimeoutSeconds or > MaxTimeoutSeconds)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"'thenCollect.timeoutSeconds' is required, a number from {MinTimeoutSeconds} to {MaxTimeoutSeconds}.");
            return false;
        }

        char? terminator = null;
        if (collect.TryGetProperty("terminator", out var term))
        {
            var text = term.ValueKind == JsonValueKind.String ? term.GetString() : null;
            if (text is not { Length: 1 } || !Terminators.Contains(text[0], StringComparison.Ordinal))
            {
                problem = "'thenCollect.terminator' must be one key of 0-9, *, #, A-D.";
                return false;
            }

            terminator = text[0];
        }

        string? name = null;
        if (collect.TryGetProperty("name", out var nameElement))
        {
            name = nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString() : null;
            if (name is not { Length: > 0 and <= MaxNameLength } || name.Any(char.IsControl))
            {
                problem = $"'thenCollect.name' must be text of 1-{MaxNameLength} characters.";
                return false;
            }
        }

        then = new PlayCollect { MaxDigits = maxDigits, Terminator = terminator, Timeout = TimeSpan.FromSeconds(seconds), Name = name };
        return true;
    }

    private static string? Whole(JsonElement obj, string member, string path, int min, int max, bool required, out int value)
    {
        value = 0;
        if (!obj.TryGetProperty(member, out var element))
        {
            return required ? $"'{path}' is required." : null;
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value) && value >= min && value <= max
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"'{path}' must be a whole number from {min} to {max}.");
    }

    private static string? Unknown(JsonElement obj, string prefix, params string[] known)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                return $"Unknown member '{prefix}{property.Name}'; allowed: {string.Join(", ", known)}.";
            }
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex BundledName();
}
