using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.Shared.AudioPlans;

/// <summary>
/// Strict reader of the plan JSON (product README): every object is checked for unknown members and every number
/// for range, so a typo is an error at dial time rather than a silent no-op mid-call. Every error carries the
/// path of the member at fault. Never throws.
/// </summary>
internal static partial class AudioPlanParser
{
    private const string DtmfSymbols = "0123456789*#ABCD";
    private const string StepKinds = "prompt, tone, pause, collect, record, echo, stream, connectAgent, hangup";

    public static bool TryParse(JsonElement? json, PromptSourcePolicy? prompts, StreamUrlPolicy streams, out AudioPlan plan, out AudioPlanError? error)
    {
        try
        {
            return TryParseCore(json, new Rules(prompts, streams), out plan, out error);
        }
        catch (InvalidOperationException)
        {
            // JsonElement throws reading text that is not valid Unicode (invalid UTF-8, or an escaped lone surrogate
            // such as "\ud800"); found by fuzzing (docs/fuzzing.md). Every other check is by kind first.
            plan = AudioPlan.Default;
            return Fail(string.Empty, "the plan holds text that is not valid Unicode (invalid UTF-8 or a lone surrogate)", out error);
        }
    }

    // What the parser checks sources against; NestedIn names the list being read when it is a stream's onError or a
    // connectAgent's onNoAgent (no stream or connectAgent inside them: nesting stays one level deep).
    private sealed record Rules(PromptSourcePolicy? Prompts, StreamUrlPolicy Streams, string? NestedIn = null);

    private static bool TryParseCore(JsonElement? json, Rules rules, out AudioPlan plan, out AudioPlanError? error)
    {
        plan = AudioPlan.Default;
        error = null;
        if (json is not { } root || root.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return true;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(string.Empty, "the plan must be a JSON object", out error);
        }

        if (!OnlyMembers(root, out var unknown, "steps"))
        {
            return Fail(unknown!, "unknown member", out error);
        }

        if (!root.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
        {
            return Fail("steps", "must be an array", out error);
        }

        var count = steps.GetArrayLength();
        if (count > AudioPlanLimits.MaxSteps)
        {
            return Fail("steps", $"too many steps: {count} (at most {AudioPlanLimits.MaxSteps})", out error);
        }

        var parsed = new List<AudioStep>(count);
        var index = 0;
        foreach (var element in steps.EnumerateArray())
        {
            if (!TryParseStep(element, string.Create(CultureInfo.InvariantCulture, $"steps[{index}]"), rules, out var step, out error))
            {
                return false;
            }

            parsed.Add(step);
            index++;
        }

        var candidate = new AudioPlan(parsed);
        if (candidate.TimedDuration > AudioPlanLimits.MaxTimedDuration)
        {
            return Fail("steps", $"the plan is too long: {candidate.TimedDuration} of timed steps (at most {AudioPlanLimits.MaxTimedDuration})", out error);
        }

        plan = candidate;
        return true;
    }

    // A step is an object with one member naming its kind, plus an optional "name".
    private static bool TryParseStep(JsonElement element, string path, Rules rules, out AudioStep step, out AudioPlanError? error)
    {
        step = new HangupStep();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Fail(path, "a step must be an object with one member naming its kind", out error);
        }

        JsonProperty? only = null;
        string? name = null;
        foreach (var member in element.EnumerateObject())
        {
            if (member.NameEquals("name"))
            {
                if (member.Value.ValueKind != JsonValueKind.String || member.Value.GetString() is not { Length: > 0 and <= AudioPlanLimits.MaxStepNameLength } text
                    || text.Any(char.IsControl))
                {
                    return Fail(path + ".name", $"must be a string of 1 to {AudioPlanLimits.MaxStepNameLength} printable characters", out error);
                }

                name = text;
                continue;
            }

            if (only is not null)
            {
                return Fail(path, $"a step must have exactly one kind ({StepKinds}) besides an optional name", out error);
            }

            only = member;
        }

        if (only is not { } kind)
        {
            return Fail(path, $"a step must have exactly one kind ({StepKinds}) besides an optional name", out error);
        }

        var body = kind.Value;
        var at = path + "." + kind.Name;
        bool ok;
        switch (kind.Name)
        {
            case "prompt":
                ok = TryPrompt(body, at, rules.Prompts, out step, out error);
                break;
            case "tone":
                ok = Body(body, at, out error, "hz", "ms")
                    && Int(body, at, "hz", AudioPlanLimits.MinToneHz, AudioPlanLimits.MaxToneHz, out var hz, out error)
                    && Int(body, at, "ms", AudioPlanLimits.MinStepMilliseconds, AudioPlanLimits.MaxStepMilliseconds, out var toneMs, out error)
                    && Set(new ToneStep(hz, TimeSpan.FromMilliseconds(toneMs)), out step);
                break;
            case "pause":
                ok = Body(body, at, out error, "ms")
                    && Int(body, at, "ms", AudioPlanLimits.MinStepMilliseconds, AudioPlanLimits.MaxStepMilliseconds, out var pauseMs, out error)
                    && Set(new PauseStep(TimeSpan.FromMilliseconds(pauseMs)), out step);
                break;
            case "collect":
                ok = TryCollect(body, at, out step, out error);
                break;
            case "record":
                ok = TryRecord(body, at, out step, out error);
                break;
            case "echo":
                ok = Body(body, at, out error, "ms")
                    && Int(body, at, "ms", AudioPlanLimits.MinStepMilliseconds, AudioPlanLimits.MaxStepMilliseconds, out var echoMs, out error)
                    && Set(new EchoStep(TimeSpan.FromMilliseconds(echoMs)), out step);
                break;
            case "stream" when rules.NestedIn is { } outer:
                return Fail(at, outer + (outer.StartsWith("a stream", StringComparison.Ordinal) ? " cannot hold another stream" : " cannot hold a stream"), out error);
            case "connectAgent" when rules.NestedIn is { } outer:
                return Fail(at, outer + (outer.StartsWith("a connectAgent", StringComparison.Ordinal) ? " cannot hold another connectAgent" : " cannot hold a connectAgent"), out error);
            case "connectAgent":
                ok = TryConnectAgent(body, at, rules, out step, out error);
                break;
            case "stream":
                ok = TryStream(body, at, rules, out step, out error);
                break;
            case "hangup":
                ok = Body(body, at, out error) && Set(new HangupStep(), out step);
                break;
            default:
                return Fail(path + "." + Clip(kind.Name), $"unknown step kind ({StepKinds})", out error);
        }

        if (ok)
        {
            step = step with { Name = name };
        }

        return ok;
    }

    private static bool Set(AudioStep value, out AudioStep step)
    {
        step = value;
        return true;
    }

    private static bool TryPrompt(JsonElement body, string at, PromptSourcePolicy? prompts, out AudioStep step, out AudioPlanError? error)
    {
        step = new HangupStep();
        if (body.ValueKind != JsonValueKind.String || body.GetString() is not { Length: > 0 } source)
        {
            return Fail(at, "must be a non-empty string (a prompt URL or a bundled prompt name)", out error);
        }

        if (source.Length > AudioPlanLimits.MaxPromptSourceLength)
        {
            return Fail(at, $"is longer than {AudioPlanLimits.MaxPromptSourceLength} characters", out error);
        }

        var isUri = Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
        if (!isUri && !PromptSourcePolicy.IsBundledName(source))
        {
            return Fail(at, "must be an http(s) URL or a bundled prompt name ([A-Za-z0-9_-], at most 64)", out error);
        }

        if (prompts is not null && !prompts.TryAllow(source, out _, out var reason))
        {
            return Fail(at, reason, out error);
        }

        step = new PromptStep(source);
        error = null;
        return true;
    }

    private static bool TryCollect(JsonElement body, string at, out AudioStep step, out AudioPlanError? error)
    {
        step = new HangupStep();
        if (!Body(body, at, out error, "max", "terminator", "timeoutMs")
            || !Int(body, at, "max", 1, AudioPlanLimits.MaxDigits, out var max, out error)
            || !Int(body, at, "timeoutMs", AudioPlanLimits.MinCollectTimeoutMilliseconds, AudioPlanLimits.MaxCollectTimeoutMilliseconds, out var timeoutMs, out error))
        {
            return false;
        }

        if (!Terminator(body, at, out var terminator, out error))
        {
            return false;
        }

        step = new CollectDigitsStep(max, terminator, TimeSpan.FromMilliseconds(timeoutMs));
        return true;
    }

    private static bool TryRecord(JsonElement body, string at, out AudioStep step, out AudioPlanError? error)
    {
        step = new HangupStep();
        if (!Body(body, at, out error, "maxSeconds", "format", "terminator")
            || !Int(body, at, "maxSeconds", 1, AudioPlanLimits.MaxRecordSeconds, out var seconds, out error))
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
                    return Fail(at + ".format", "must be \"ogg\" or \"wav\"", out error);
            }
        }

        if (!Terminator(body, at, out var terminator, out error))
        {
            return false;
        }

        step = new RecordStep(TimeSpan.FromSeconds(seconds), format) { Terminator = terminator };
        return true;
    }

    private static bool Terminator(JsonElement body, string at, out char? terminator, out AudioPlanError? error)
    {
        terminator = null;
        error = null;
        if (body.TryGetProperty("terminator", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: 1 } symbol || !DtmfSymbols.Contains(symbol[0], StringComparison.Ordinal))
            {
                return Fail(at + ".terminator", "must be one DTMF symbol (0-9, *, #, A-D)", out error);
            }

            terminator = symbol[0];
        }

        return true;
    }

    // The step's body is an object whose members are all among the allowed ones.
    private static bool Body(JsonElement body, string at, out AudioPlanError? error, params string[] allowed)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Fail(at, "must be an object", out error);
        }

        if (!OnlyMembers(body, out var unknown, allowed))
        {
            return Fail(at + "." + unknown, "unknown member", out error);
        }

        error = null;
        return true;
    }

    private static bool Int(JsonElement body, string at, string name, int min, int max, out int value, out AudioPlanError? error)
    {
        value = 0;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number)
        {
            return Fail(at + "." + name, "must be a number", out error);
        }

        if (!element.TryGetInt32(out value) || value < min || value > max)
        {
            return Fail(at + "." + name, $"must be a whole number from {min} to {max}", out error);
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

    // Paths echo user input; keep them short and printable.
    private static string Clip(string text) => Unprintable().Replace(text.Length > 40 ? text[..40] : text, "?");

    [GeneratedRegex(@"[^\x20-\x7E]")]
    private static partial Regex Unprintable();

    private static bool Fail(string path, string message, out AudioPlanError? error)
    {
        error = new AudioPlanError(path, message);
        return false;
    }
}
