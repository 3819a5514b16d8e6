using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.MediaNode.Recording;

namespace Serverless.MediaNode.Audio;

/// <summary>
/// Strict reader of the plan JSON (README.md): every object is checked for unknown members and every number
/// for range, so a typo is an error at dial time rather than a silent no-op mid-call. Never throws.
/// </summary>
internal static partial class AudioPlanParser
{
    private const string DtmfSymbols = "0123456789*#ABCD";

    public static bool TryParse(JsonElement? json, out AudioPlan plan, out string? error)
    {
        try
        {
            return TryParseCore(json, out plan, out error);
        }
        catch (InvalidOperationException)
        {
            // JsonElement throws reading text that is not valid Unicode (invalid UTF-8, or an escaped lone
            // surrogate such as "\ud800"); found by fuzzing (docs/fuzzing.md). Every other check is by kind first.
            plan = AudioPlan.Default;
            return Fail("the plan holds text that is not valid Unicode (invalid UTF-8 or a lone surrogate)", out error);
        }
    }

    private static bool TryParseCore(JsonElement? json, out AudioPlan plan, out string? error)
    {
        plan = AudioPlan.Default;
        error = null;
        if (json is not { } root || root.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return true;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail("the plan must be a JSON object", out error);
        }

        if (!OnlyMembers(root, out var unknown, "steps"))
        {
            return Fail($"unknown member '{unknown}' in the plan", out error);
        }

        if (!root.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
        {
            return Fail("'steps' must be an array", out error);
        }

        var count = steps.GetArrayLength();
        if (count > AudioPlanLimits.MaxSteps)
        {
            return Fail($"too many steps: {count} (at most {AudioPlanLimits.MaxSteps})", out error);
        }

        var parsed = new List<AudioStep>(count);
        var index = 0;
        foreach (var element in steps.EnumerateArray())
        {
            if (!TryParseStep(element, out var step, out var stepError))
            {
                return Fail($"step {index}: {stepError}", out error);
            }

            parsed.Add(step);
            index++;
        }

        var candidate = new AudioPlan(parsed);
        if (candidate.TimedDuration > AudioPlanLimits.MaxTimedDuration)
        {
            return Fail($"the plan is too long: {candidate.TimedDuration} of timed steps (at most {AudioPlanLimits.MaxTimedDuration})", out error);
        }

        plan = candidate;
        return true;
    }

    private static bool TryParseStep(JsonElement element, out AudioStep step, out string? error)
    {
        step = new HangupStep();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Fail("a step must be an object with one member naming its kind", out error);
        }

        JsonProperty? only = null;
        foreach (var member in element.EnumerateObject())
        {
            if (only is not null)
            {
                return Fail("a step must have exactly one member", out error);
            }

            only = member;
        }

        if (only is not { } kind)
        {
            return Fail("a step must have exactly one member", out error);
        }

        var body = kind.Value;
        switch (kind.Name)
        {
            case "prompt":
                return TryPrompt(body, out step, out error);
            case "tone":
                if (!Body(body, out error, "hz", "ms")
                    || !Int(body, "hz", AudioPlanLimits.MinToneHz, AudioPlanLimits.MaxToneHz, out var hz, out error)
                    || !Int(body, "ms", AudioPlanLimits.MinStepMilliseconds, AudioPlanLimits.MaxStepMilliseconds, out var toneMs, out error))
                {
                    return false;
                }

                step = new ToneStep(hz, TimeSpan.FromMilliseconds(toneMs));
                return true;
            case "pause":
                if (!Body(body, out error, "ms")
                    || !Int(body, "ms", AudioPlanLimits.MinStepMilliseconds, AudioPlanLimits.MaxStepMilliseconds, out var pauseMs, out error))
                {
                    return false;
                }

                step = new PauseStep(TimeSpan.FromMilliseconds(pauseMs));
                return true;
            case "collect":
                return TryCollect(body, out step, out error);
            case "record":
                return TryRecord(body, out step, out error);
            case "echo":
                if (!Body(body, out error, "ms")
                    || !Int(body, "ms", AudioPlanLimits.MinStepMilliseconds, AudioPlanLimits.MaxStepMilliseconds, out var echoMs, out error))
                {
                    return false;
                }

                step = new EchoStep(TimeSpan.FromMilliseconds(echoMs));
                return true;
            case "hangup":
                if (!Body(body, out error))
                {
                    return false;
                }

                step = new HangupStep();
                return true;
            default:
                return Fail($"unknown step '{Clip(kind.Name)}' (prompt, tone, pause, collect, record, echo, hangup)", out error);
        }
    }

    private static bool TryPrompt(JsonElement body, out AudioStep step, out string? error)
    {
        step = new HangupStep();
        if (body.ValueKind != JsonValueKind.String || body.GetString() is not { Length: > 0 } source)
        {
            return Fail("'prompt' must be a non-empty string (a blob URI or a bundled prompt name)", out error);
        }

        if (source.Length > AudioPlanLimits.MaxPromptSourceLength)
        {
            return Fail($"'prompt' is longer than {AudioPlanLimits.MaxPromptSourceLength} characters", out error);
        }

        var isUri = Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
        if (!isUri && !PromptCache.IsBundledName(source))
        {
            return Fail("'prompt' must be an http(s) blob URI or a bundled prompt name ([A-Za-z0-9_-], at most 64)", out error);
        }

        step = new PromptStep(source);
        error = null;
        return true;
    }

    private static bool TryCollect(JsonElement body, out AudioStep step, out string? error)
    {
        step = new HangupStep();
        if (!Body(body, out error, "max", "terminator", "timeoutMs")
            || !Int(body, "max", 1, AudioPlanLimits.MaxDigits, out var max, out error)
            || !Int(body, "timeoutMs", AudioPlanLimits.MinCollectTimeoutMilliseconds, AudioPlanLimits.MaxCollectTimeoutMilliseconds, out var timeoutMs, out error))
        {
            return false;
        }

        char? terminator = null;
        if (body.TryGetProperty("terminator", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: 1 } symbol || !DtmfSymbols.Contains(symbol[0], StringComparison.Ordinal))
            {
                return Fail("'terminator' must be one DTMF symbol (0-9, *, #, A-D)", out error);
            }

            terminator = symbol[0];
        }

        step = new CollectDigitsStep(max, terminator, TimeSpan.FromMilliseconds(timeoutMs));
        return true;
    }

    private static bool TryRecord(JsonElement body, out AudioStep step, out string? error)
    {
        step = new HangupStep();
        if (!Body(body, out error, "maxSeconds", "format")
            || !Int(body, "maxSeconds", 1, AudioPlanLimits.MaxRecordSeconds, out var seconds, out error))
        {
            return false;
        }

        var format = RecordingFormat.OggOpus;
        if (body.TryGetProperty("format", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
            {
                case "ogg":
                    format = RecordingFormat.OggOpus;
                    break;
                case "wav":
                    format = RecordingFormat.Wav;
                    break;
                default:
                    return Fail("'format' must be \"ogg\" or \"wav\"", out error);
            }
        }

        step = new RecordStep(TimeSpan.FromSeconds(seconds), format);
        return true;
    }

    // The step's body is an object whose members are all among the allowed ones.
    private static bool Body(JsonElement body, out string? error, params string[] allowed)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Fail("the step's value must be an object", out error);
        }

        if (!OnlyMembers(body, out var unknown, allowed))
        {
            return Fail($"unknown member '{unknown}'", out error);
        }

        error = null;
        return true;
    }

    private static bool Int(JsonElement body, string name, int min, int max, out int value, out string? error)
    {
        value = 0;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number)
        {
            return Fail($"'{name}' must be a number", out error);
        }

        if (!element.TryGetInt32(out value) || value < min || value > max)
        {
            return Fail($"'{name}' must be a whole number from {min} to {max}", out error);
        }

        error = null;
        return true;
    }

    private static bool OnlyMembers(JsonElement element, out string? unknown, params string[] allowed)
    {
        foreach (var member in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, member.Name) < 0)
            {
                unknown = Clip(member.Name);
                return false;
            }
        }

        unknown = null;
        return true;
    }

    // Error text echoes user input; keep it short and printable.
    private static string Clip(string text) => Unprintable().Replace(text.Length > 40 ? text[..40] : text, "?");

    [GeneratedRegex(@"[^\x20-\x7E]")]
    private static partial Regex Unprintable();

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
