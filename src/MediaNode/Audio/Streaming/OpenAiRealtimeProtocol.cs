using System.Buffers.Binary;
using System.Text.Json;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio.Streaming;

/// <summary>
/// The <c>openai-realtime</c> dialect: the node talks to an OpenAI or Azure OpenAI realtime endpoint itself (the GA
/// WebSocket interface). Once open it sends <c>session.update</c> (instructions, voice, turn detection, PCM16 24 kHz
/// both ways), then the caller's audio as <c>input_audio_buffer.append</c>; it plays
/// <c>response.output_audio.delta</c> (and the beta name <c>response.audio.delta</c>). On
/// <c>input_audio_buffer.speech_started</c> the queued answer is dropped at once and the answer being played is cut
/// to what the caller heard with <c>conversation.item.truncate</c>; its late deltas are ignored. The interface has no
/// DTMF, marks or stop message: digits are not forwarded and the node just closes.
/// </summary>
/// <remarks>
/// Not the official OpenAI .NET library's <c>RealtimeSessionClient</c>: it opens its own WebSocket, so the node's
/// vetted connection (<see cref="StreamUrlPolicy.CreateHandler"/>: the host resolved once and connected only when
/// every address is public) could not be applied to the plan's URL; and its realtime surface is still experimental
/// (OPENAI002). The dialect needs five event types, written here.
/// </remarks>
public sealed class OpenAiRealtimeProtocol : AgentProtocol
{
    private readonly StreamStep _step;
    private string? _itemId;
    private int _contentIndex;
    private long _itemSamples;
    private string? _truncatedItem;

    public OpenAiRealtimeProtocol(StreamStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _step = step;
    }

    public override int SampleRate => AudioPlanLimits.RealtimeSampleRate;

    public override string Name => "openai-realtime";

    public override IEnumerable<AgentFrame> Opening()
    {
        var session = _step.Realtime ?? new RealtimeSession(null, null, RealtimeTurnDetection.ServerVad);
        yield return Json(w =>
        {
            w.WriteString("type", "session.update");
            w.WriteStartObject("session");
            w.WriteString("type", "realtime");
            w.WriteStartArray("output_modalities");
            w.WriteStringValue("audio");
            w.WriteEndArray();
            if (session.Instructions is { } instructions)
            {
                w.WriteString("instructions", instructions);
            }

            w.WriteStartObject("audio");
            w.WriteStartObject("input");
            WriteFormat(w);
            var turns = session.TurnDetection;
            w.WriteStartObject("turn_detection");
            w.WriteString("type", turns.Type);
            if (turns.Threshold is { } threshold)
            {
                w.WriteNumber("threshold", threshold);
            }

            if (turns.PrefixPaddingMs is { } prefix)
            {
                w.WriteNumber("prefix_padding_ms", prefix);
            }

            if (turns.SilenceDurationMs is { } silence)
            {
                w.WriteNumber("silence_duration_ms", silence);
            }

            if (turns.Eagerness is { } eagerness)
            {
                w.WriteString("eagerness", eagerness);
            }

            // The service answers each turn and stops its answer when the caller speaks: the node's barge-in relies on both.
            w.WriteBoolean("create_response", true);
            w.WriteBoolean("interrupt_response", true);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("output");
            WriteFormat(w);
            if (session.Voice is { } voice)
            {
                w.WriteString("voice", voice);
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static void WriteFormat(Utf8JsonWriter w)
    {
        w.WriteStartObject("format");
        w.WriteString("type", "audio/pcm");
        w.WriteNumber("rate", AudioPlanLimits.RealtimeSampleRate);
        w.WriteEndObject();
    }

    public override AgentFrame Media(ReadOnlySpan<short> frame, long mediaMilliseconds, bool outbound)
    {
        Span<byte> bytes = stackalloc byte[frame.Length * 2];
        for (var i = 0; i < frame.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes[(2 * i)..], frame[i]);
        }

        var audio = Convert.ToBase64String(bytes);
        return Json(w =>
        {
            w.WriteString("type", "input_audio_buffer.append");
            w.WriteString("audio", audio);
        });
    }

    // The realtime interface has no DTMF, marks or goodbye message.
    public override AgentFrame? Dtmf(char digit) => null;

    public override AgentFrame? MarkPlayed(string name) => null;

    public override AgentFrame? Stop() => null;

    public override AgentFrame? Truncate(long droppedSamples)
    {
        if (_itemId is not { } item || droppedSamples <= 0)
        {
            return null; // nothing was being played, or it had all been heard
        }

        // The answer's unplayed tail was dropped (anything queued before it too, so never below zero).
        var played = Math.Max(0, _itemSamples - droppedSamples);
        var audioEndMs = played * 1000 / SampleRate;
        var contentIndex = _contentIndex;
        _truncatedItem = item;
        _itemId = null;
        _itemSamples = 0;
        return Json(w =>
        {
            w.WriteString("type", "conversation.item.truncate");
            w.WriteString("item_id", item);
            w.WriteNumber("content_index", contentIndex);
            w.WriteNumber("audio_end_ms", audioEndMs);
        });
    }

    public override AgentMessage Parse(ReadOnlySpan<byte> message, bool binary)
    {
        if (binary)
        {
            return new AgentMessage.Invalid("the openai-realtime dialect carries JSON text messages only");
        }

        var (type, root) = ReadEvent(message, "type");
        switch (type)
        {
            case null:
                return new AgentMessage.Invalid("not a JSON object with a 'type'");
            case "response.output_audio.delta" or "response.audio.delta":
                if (!root.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.String)
                {
                    return new AgentMessage.Invalid($"a {type} without delta");
                }

                var item = root.TryGetProperty("item_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                if (item is not null && item == _truncatedItem)
                {
                    return new AgentMessage.Ignored(type); // sent before the service saw the truncation
                }

                var text = delta.GetString()!;
                var bytes = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(text.Length)];
                if (!Convert.TryFromBase64String(text, bytes, out var length) || length % 2 != 0)
                {
                    return new AgentMessage.Invalid("delta is not base64 PCM16");
                }

                var pcm = new short[length / 2];
                for (var i = 0; i < pcm.Length; i++)
                {
                    pcm[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i));
                }

                if (item != _itemId)
                {
                    _itemId = item;
                    _itemSamples = 0;
                }

                _contentIndex = root.TryGetProperty("content_index", out var ci) && ci.ValueKind == JsonValueKind.Number && ci.TryGetInt32(out var index) ? index : 0;
                _itemSamples += pcm.Length;
                return new AgentMessage.Media(pcm);
            case "input_audio_buffer.speech_started":
                return new AgentMessage.Interrupt();
            case "error":
                return new AgentMessage.Warning(ErrorText(root));
            default:
                return new AgentMessage.Ignored(type);
        }
    }

    // The service's error type, code and message, clipped (it names the request's fault; no key is echoed in it).
    private static string ErrorText(JsonElement root)
    {
        if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
        {
            return "an error event";
        }

        string Member(string name) => error.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
        var message = Member("message");
        var text = $"{Member("type")}/{Member("code")}: {(message.Length > 200 ? message[..200] : message)}";
        return new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
    }
}
