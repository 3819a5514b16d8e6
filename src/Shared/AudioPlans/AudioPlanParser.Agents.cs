using System.Globalization;
using System.Text.Json;

namespace Serverless.Shared.AudioPlans;

/// <summary>The steps that hand the call to an agent: <c>stream</c> (an AI agent's WebSocket) and <c>connectAgent</c> (a person).</summary>
internal static partial class AudioPlanParser
{
    private static bool TryStream(JsonElement body, string at, Rules rules, out AudioStep step, out AudioPlanError? error)
    {
        step = new HangupStep();
        if (!Body(body, at, out error, "url", "dialect", "sampleRate", "headers", "token", "customParameters", "tracks", "timeoutSeconds", "onError",
            "instructions", "voice", "turnDetection", "auth", "keyVaultSecret", "keyHeader"))
        {
            return false;
        }

        if (!body.TryGetProperty("url", out var urlValue) || urlValue.ValueKind != JsonValueKind.String
            || urlValue.GetString() is not { Length: > 0 and <= AudioPlanLimits.MaxStreamUrlLength } text
            || !Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            return Fail(at + ".url", $"must be an absolute wss:// URL of at most {AudioPlanLimits.MaxStreamUrlLength} characters", out error);
        }

        if (!rules.Streams.TryAllow(url, out var refused))
        {
            return Fail(at + ".url", refused, out error);
        }

        StreamDialect dialect;
        switch (body.TryGetProperty("dialect", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null)
        {
            case "twilio":
                dialect = StreamDialect.Twilio;
                break;
            case "pcm":
                dialect = StreamDialect.Pcm;
                break;
            case "openai-realtime":
                dialect = StreamDialect.OpenAiRealtime;
                break;
            default:
                return Fail(at + ".dialect", "must be \"twilio\", \"pcm\" or \"openai-realtime\"", out error);
        }

        var sampleRate = dialect == StreamDialect.OpenAiRealtime ? AudioPlanLimits.RealtimeSampleRate : 8_000;
        var hasRate = body.TryGetProperty("sampleRate", out var rate) && rate.ValueKind != JsonValueKind.Null;
        if (dialect != StreamDialect.Pcm && hasRate)
        {
            return Fail(at + ".sampleRate", "applies to the pcm dialect only (twilio is 8000 Hz µ-law, openai-realtime 24000 Hz PCM)", out error);
        }

        RealtimeSession? realtime = null;
        if (dialect == StreamDialect.OpenAiRealtime)
        {
            if (!TryRealtime(body, at, out realtime, out error))
            {
                return false;
            }
        }
        else if (RealtimeOnly.FirstOrDefault(m => body.TryGetProperty(m, out var v) && v.ValueKind != JsonValueKind.Null) is { } member)
        {
            return Fail(at + "." + member, "applies to the openai-realtime dialect only", out error);
        }

        if (dialect == StreamDialect.Pcm)
        {
            sampleRate = 16_000;
            if (hasRate && (rate.ValueKind != JsonValueKind.Number || !rate.TryGetInt32(out sampleRate) || sampleRate is not (16_000 or 24_000)))
            {
                return Fail(at + ".sampleRate", "must be 16000 or 24000", out error);
            }
        }

        var tracks = StreamTracks.Inbound;
        if (body.TryGetProperty("tracks", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            switch (t.ValueKind == JsonValueKind.String ? t.GetString() : null)
            {
                case "inbound":
                    break;
                case "both" when dialect == StreamDialect.Twilio:
                    tracks = StreamTracks.Both;
                    break;
                case "both":
                    return Fail(at + ".tracks", $"the {(dialect == StreamDialect.Pcm ? "pcm" : "openai-realtime")} dialect streams the inbound track only", out error);
                default:
                    return Fail(at + ".tracks", "must be \"inbound\" or \"both\"", out error);
            }
        }

        var timeout = TimeSpan.FromSeconds(AudioPlanLimits.DefaultStreamSeconds);
        if (body.TryGetProperty("timeoutSeconds", out var ts) && ts.ValueKind != JsonValueKind.Null)
        {
            if (!Int(body, at, "timeoutSeconds", 1, AudioPlanLimits.MaxStreamSeconds, out var seconds, out error))
            {
                return false;
            }

            timeout = TimeSpan.FromSeconds(seconds);
        }

        string? token = null;
        if (body.TryGetProperty("token", out var tokenValue) && tokenValue.ValueKind != JsonValueKind.Null)
        {
            if (tokenValue.ValueKind != JsonValueKind.String || tokenValue.GetString() is not { Length: > 0 and <= AudioPlanLimits.MaxStreamTokenLength } tokenText
                || !tokenText.All(c => c is > ' ' and <= '~'))
            {
                return Fail(at + ".token", $"must be a string of 1 to {AudioPlanLimits.MaxStreamTokenLength} visible ASCII characters", out error);
            }

            token = tokenText;
        }

        if (!StringMap(body, at, "headers", AudioPlanLimits.MaxStreamHeaders, AudioPlanLimits.MaxStreamHeaderValueLength, headerNames: true, out var headers, out error))
        {
            return false;
        }

        if (token is not null && headers.Keys.Any(k => k.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            return Fail(at + ".headers", "give either token or an Authorization header, not both", out error);
        }

        if (!TryNodeCredential(body, at, url, dialect, token, headers, rules.Streams, out var auth, out var secret, out var keyHeader, out error))
        {
            return false;
        }

        if (!StringMap(body, at, "customParameters", AudioPlanLimits.MaxCustomParameters, AudioPlanLimits.MaxCustomParameterLength, headerNames: false, out var parameters, out error))
        {
            return false;
        }

        if (dialect == StreamDialect.OpenAiRealtime && parameters.Count > 0)
        {
            return Fail(at + ".customParameters", "the openai-realtime dialect has no start message to carry them (use instructions)", out error);
        }

        var onError = new List<AudioStep>();
        if (body.TryGetProperty("onError", out var steps) && steps.ValueKind != JsonValueKind.Null)
        {
            if (steps.ValueKind != JsonValueKind.Array || steps.GetArrayLength() > AudioPlanLimits.MaxOnErrorSteps)
            {
                return Fail(at + ".onError", $"must be an array of at most {AudioPlanLimits.MaxOnErrorSteps} steps", out error);
            }

            var index = 0;
            foreach (var element in steps.EnumerateArray())
            {
                if (!TryParseStep(element, string.Create(CultureInfo.InvariantCulture, $"{at}.onError[{index}]"), rules with { NestedIn = "a stream's onError" }, out var nested, out error))
                {
                    return false;
                }

                onError.Add(nested);
                index++;
            }
        }

        step = new StreamStep(url, dialect)
        {
            SampleRate = sampleRate,
            Token = token,
            Headers = headers,
            CustomParameters = parameters,
            Tracks = tracks,
            Timeout = timeout,
            OnError = onError,
            Realtime = realtime,
            Auth = auth,
            KeyVaultSecret = secret,
            KeyHeader = keyHeader,
        };
        error = null;
        return true;
    }

    // Azure OpenAI's host names: the only hosts the node's Entra ID token (audience Cognitive Services) is ever sent to.
    private static readonly string[] AzureOpenAiHostSuffixes = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

    /// <summary>True when <paramref name="url"/> is an Azure OpenAI host (or loopback where the policy allows loopback agents).</summary>
    private static bool IsAzureOpenAiHost(Uri url, StreamUrlPolicy streams) =>
        (url.IsLoopback && streams.AllowLoopback)
        || AzureOpenAiHostSuffixes.Any(s => url.IdnHost.EndsWith(s, StringComparison.OrdinalIgnoreCase) && url.IdnHost.Length > s.Length);

    // Credentials the node obtains itself, so the plan carries none: auth "entra" (its managed identity's token) or
    // keyVaultSecret (a secret of its configured vault), each exclusive with a key given in the plan.
    private static bool TryNodeCredential(
        JsonElement body, string at, Uri url, StreamDialect dialect, string? token, IReadOnlyDictionary<string, string> headers, StreamUrlPolicy streams,
        out StreamAuth auth, out string? secret, out StreamKeyHeader keyHeader, out AudioPlanError? error)
    {
        auth = StreamAuth.Plan;
        secret = null;
        keyHeader = StreamKeyHeader.Authorization;
        error = null;
        var hasAuth = body.TryGetProperty("auth", out var a) && a.ValueKind != JsonValueKind.Null;
        var hasSecret = body.TryGetProperty("keyVaultSecret", out var s) && s.ValueKind != JsonValueKind.Null;
        var hasHeader = body.TryGetProperty("keyHeader", out var h) && h.ValueKind != JsonValueKind.Null;
        if (hasAuth)
        {
            if (a.ValueKind != JsonValueKind.String || a.GetString() != "entra")
            {
                return Fail(at + ".auth", "must be \"entra\" (the node's managed identity; a Key Vault key is keyVaultSecret)", out error);
            }

            if (dialect != StreamDialect.OpenAiRealtime)
            {
                return Fail(at + ".auth", "applies to the openai-realtime dialect only (an Entra ID token for Azure OpenAI)", out error);
            }

            if (!IsAzureOpenAiHost(url, streams))
            {
                return Fail(at + ".auth", "sends the node's Entra ID token, so the url must be an Azure OpenAI host (*.openai.azure.com, *.cognitiveservices.azure.com or *.services.ai.azure.com)", out error);
            }

            if (hasSecret)
            {
                return Fail(at + ".keyVaultSecret", "give either auth \"entra\" or keyVaultSecret, not both", out error);
            }

            auth = StreamAuth.Entra;
        }

        if (hasSecret)
        {
            if (s.ValueKind != JsonValueKind.String || s.GetString() is not { Length: > 0 and <= AudioPlanLimits.MaxKeyVaultSecretNameLength } name
                || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return Fail(at + ".keyVaultSecret", $"must be a Key Vault secret name: 1 to {AudioPlanLimits.MaxKeyVaultSecretNameLength} letters, digits or '-'", out error);
            }

            auth = StreamAuth.KeyVault;
            secret = name;
        }

        if (hasHeader)
        {
            if (auth != StreamAuth.KeyVault)
            {
                return Fail(at + ".keyHeader", "applies with keyVaultSecret only", out error);
            }

            switch (h.ValueKind == JsonValueKind.String ? h.GetString() : null)
            {
                case "authorization":
                    break;
                case "api-key":
                    keyHeader = StreamKeyHeader.ApiKey;
                    break;
                default:
                    return Fail(at + ".keyHeader", "must be \"authorization\" (Bearer) or \"api-key\" (an Azure OpenAI key)", out error);
            }
        }

        if (auth != StreamAuth.Plan)
        {
            var member = auth == StreamAuth.Entra ? "auth" : "keyVaultSecret";
            if (token is not null)
            {
                return Fail(at + ".token", $"give either token or {member}, not both", out error);
            }

            var taken = auth == StreamAuth.KeyVault && keyHeader == StreamKeyHeader.ApiKey ? "api-key" : "Authorization";
            if (headers.ContainsKey(taken))
            {
                return Fail(at + ".headers." + taken, $"is set by the node from {member}; remove it", out error);
            }
        }

        return true;
    }

    private static readonly string[] RealtimeOnly = ["instructions", "voice", "turnDetection"];
    private static readonly string[] ServerVadOnly = ["threshold", "prefixPaddingMs", "silenceDurationMs"];

    // The openai-realtime dialect's session: instructions, voice and turn detection (the product README's table).
    private static bool TryRealtime(JsonElement body, string at, out RealtimeSession? session, out AudioPlanError? error)
    {
        session = null;
        string? instructions = null;
        if (body.TryGetProperty("instructions", out var i) && i.ValueKind != JsonValueKind.Null)
        {
            if (i.ValueKind != JsonValueKind.String || i.GetString() is not { Length: > 0 and <= AudioPlanLimits.MaxRealtimeInstructionsLength } text
                || text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                return Fail(at + ".instructions", $"must be text of 1 to {AudioPlanLimits.MaxRealtimeInstructionsLength} characters", out error);
            }

            instructions = text;
        }

        string? voice = null;
        if (body.TryGetProperty("voice", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            // Not a fixed list: the service adds voices; it answers an unknown one with an error event.
            if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 and <= AudioPlanLimits.MaxRealtimeVoiceLength } name
                || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-'))
            {
                return Fail(at + ".voice", $"must be a voice name of 1 to {AudioPlanLimits.MaxRealtimeVoiceLength} lower-case letters, digits, '_' or '-' (e.g. alloy, marin)", out error);
            }

            voice = name;
        }

        var turns = RealtimeTurnDetection.ServerVad;
        if (body.TryGetProperty("turnDetection", out var td) && td.ValueKind != JsonValueKind.Null)
        {
            var tat = at + ".turnDetection";
            if (!Body(td, tat, out error, "type", "threshold", "prefixPaddingMs", "silenceDurationMs", "eagerness"))
            {
                return false;
            }

            var type = td.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type is not ("server_vad" or "semantic_vad"))
            {
                return Fail(tat + ".type", "must be \"server_vad\" or \"semantic_vad\" (barge-in needs the service to detect speech)", out error);
            }

            turns = new RealtimeTurnDetection(type);
            if (type == "server_vad")
            {
                if (td.TryGetProperty("eagerness", out _))
                {
                    return Fail(tat + ".eagerness", "applies to semantic_vad only", out error);
                }

                if (td.TryGetProperty("threshold", out var th) && th.ValueKind != JsonValueKind.Null)
                {
                    if (th.ValueKind != JsonValueKind.Number || !th.TryGetDouble(out var threshold) || threshold is < 0 or > 1)
                    {
                        return Fail(tat + ".threshold", "must be a number from 0 to 1", out error);
                    }

                    turns = turns with { Threshold = threshold };
                }

                foreach (var member in (string[])["prefixPaddingMs", "silenceDurationMs"])
                {
                    if (td.TryGetProperty(member, out var ms) && ms.ValueKind != JsonValueKind.Null)
                    {
                        if (!Int(td, tat, member, 0, AudioPlanLimits.MaxRealtimeTurnMilliseconds, out var value, out error))
                        {
                            return false;
                        }

                        turns = member == "prefixPaddingMs" ? turns with { PrefixPaddingMs = value } : turns with { SilenceDurationMs = value };
                    }
                }
            }
            else
            {
                if (ServerVadOnly.FirstOrDefault(m => td.TryGetProperty(m, out _)) is { } vadOnly)
                {
                    return Fail(tat + "." + vadOnly, "applies to server_vad only", out error);
                }

                if (td.TryGetProperty("eagerness", out var e) && e.ValueKind != JsonValueKind.Null)
                {
                    if (e.ValueKind != JsonValueKind.String || e.GetString() is not ("low" or "medium" or "high" or "auto"))
                    {
                        return Fail(tat + ".eagerness", "must be \"low\", \"medium\", \"high\" or \"auto\"", out error);
                    }

                    turns = turns with { Eagerness = e.GetString() };
                }
            }
        }

        session = new RealtimeSession(instructions, voice, turns);
        error = null;
        return true;
    }

    private static bool TryConnectAgent(JsonElement body, string at, Rules rules, out AudioStep step, out AudioPlanError? error)
    {
        step = new HangupStep();
        if (!Body(body, at, out error, "queue", "timeoutSeconds", "holdPrompt", "record", "onNoAgent")
            || !Int(body, at, "timeoutSeconds", 1, AudioPlanLimits.MaxAgentWaitSeconds, out var seconds, out error))
        {
            return false;
        }

        if (!body.TryGetProperty("queue", out var queueValue) || queueValue.ValueKind != JsonValueKind.String
            || queueValue.GetString() is not { Length: > 0 and <= AudioPlanLimits.MaxQueueNameLength } queue
            || !queue.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            return Fail(at + ".queue", $"must be a queue name of 1 to {AudioPlanLimits.MaxQueueNameLength} letters, digits, '_', '-' or '.'", out error);
        }

        string? hold = null;
        if (body.TryGetProperty("holdPrompt", out var holdValue) && holdValue.ValueKind != JsonValueKind.Null)
        {
            if (!TryPrompt(holdValue, at + ".holdPrompt", rules.Prompts, out var holdStep, out error))
            {
                return false;
            }

            hold = ((PromptStep)holdStep).Source;
        }

        RecordingFormat? record = null;
        if (body.TryGetProperty("record", out var recordValue) && recordValue.ValueKind != JsonValueKind.Null)
        {
            switch (recordValue.ValueKind == JsonValueKind.String ? recordValue.GetString() : null)
            {
                case "ogg":
                    record = RecordingFormat.OggOpus;
                    break;
                case "wav":
                    record = RecordingFormat.Wav;
                    break;
                default:
                    return Fail(at + ".record", "must be \"ogg\" or \"wav\"", out error);
            }
        }

        var onNoAgent = new List<AudioStep>();
        if (body.TryGetProperty("onNoAgent", out var steps) && steps.ValueKind != JsonValueKind.Null)
        {
            if (steps.ValueKind != JsonValueKind.Array || steps.GetArrayLength() > AudioPlanLimits.MaxOnNoAgentSteps)
            {
                return Fail(at + ".onNoAgent", $"must be an array of at most {AudioPlanLimits.MaxOnNoAgentSteps} steps", out error);
            }

            var index = 0;
            foreach (var element in steps.EnumerateArray())
            {
                if (!TryParseStep(element, string.Create(CultureInfo.InvariantCulture, $"{at}.onNoAgent[{index}]"), rules with { NestedIn = "a connectAgent's onNoAgent" }, out var nested, out error))
                {
                    return false;
                }

                onNoAgent.Add(nested);
                index++;
            }
        }

        step = new ConnectAgentStep(queue, TimeSpan.FromSeconds(seconds)) { HoldPrompt = hold, Record = record, OnNoAgent = onNoAgent };
        error = null;
        return true;
    }

    // Headers the WebSocket handshake sets itself, or that would change where or how the node connects.
    private static readonly string[] ReservedHeaders =
        ["Host", "Connection", "Upgrade", "Content-Length", "Transfer-Encoding", "Proxy-Authorization", "Cookie", "Origin", "Te", "Trailer"];

    private static bool StringMap(
        JsonElement body, string at, string member, int maxEntries, int maxValueLength, bool headerNames, out IReadOnlyDictionary<string, string> map, out AudioPlanError? error)
    {
        var result = new Dictionary<string, string>(headerNames ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        map = result;
        error = null;
        if (!body.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return Fail(at + "." + member, "must be an object of string values", out error);
        }

        foreach (var entry in value.EnumerateObject())
        {
            var path = at + "." + member + "." + Clip(entry.Name);
            if (result.Count >= maxEntries)
            {
                return Fail(at + "." + member, $"at most {maxEntries} entries", out error);
            }

            var nameOk = headerNames
                ? entry.Name.Length is > 0 and <= 64 && entry.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                    && !ReservedHeaders.Contains(entry.Name, StringComparer.OrdinalIgnoreCase)
                    && !entry.Name.StartsWith("Sec-WebSocket-", StringComparison.OrdinalIgnoreCase)
                : entry.Name.Length is > 0 and <= 64 && !entry.Name.Any(char.IsControl);
            if (!nameOk)
            {
                return Fail(path, headerNames
                    ? "is not a header this step may set (letters, digits and '-', at most 64; not Host, Connection, Upgrade, Cookie, Origin or Sec-WebSocket-*)"
                    : "names must be 1 to 64 printable characters", out error);
            }

            if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString() is not { } text || text.Length > maxValueLength
                || (headerNames ? !text.All(c => c is >= ' ' and <= '~') : text.Any(char.IsControl)))
            {
                return Fail(path, $"must be a string of at most {maxValueLength} {(headerNames ? "visible ASCII" : "printable")} characters", out error);
            }

            if (!result.TryAdd(entry.Name, text))
            {
                return Fail(path, "is given twice", out error);
            }
        }

        return true;
    }
}
