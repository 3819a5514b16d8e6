using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Audio.Streaming;

/// <summary>One message for the agent: UTF-8 JSON text or a binary frame.</summary>
public readonly record struct AgentFrame(ReadOnlyMemory<byte> Bytes, bool Binary);

/// <summary>What an agent's message asks of the node.</summary>
public abstract record AgentMessage
{
    private AgentMessage()
    {
    }

    /// <summary>Audio to play into the call, as PCM at the dialect's rate (any length).</summary>
    public sealed record Media(short[] Pcm) : AgentMessage;

    /// <summary>Confirm <paramref name="Name"/> once the audio sent before it has been played.</summary>
    public sealed record Mark(string Name) : AgentMessage;

    /// <summary>Drop the audio not yet played (barge-in).</summary>
    public sealed record Clear : AgentMessage;

    /// <summary>
    /// The caller started speaking (a realtime model's <c>speech_started</c>): drop the audio not yet played, as
    /// <see cref="Clear"/>, and tell the model how much of its answer was heard (<see cref="AgentProtocol.Truncate"/>).
    /// </summary>
    public sealed record Interrupt : AgentMessage;

    /// <summary>The agent reported a problem that does not end the stream (a realtime model's <c>error</c> event): logged.</summary>
    public sealed record Warning(string Reason) : AgentMessage;

    /// <summary>A message the dialect defines that needs nothing from the node, or an unknown event (ignored).</summary>
    public sealed record Ignored(string Event) : AgentMessage;

    /// <summary>Not a message of the dialect (bad JSON, bad base64, odd PCM length): the node ends the stream.</summary>
    public sealed record Invalid(string Reason) : AgentMessage;
}

/// <summary>
/// The wire format of a stream step's WebSocket: the messages the node sends and how it reads the agent's. The
/// <c>twilio</c> dialect writes Twilio Media Streams messages exactly as Twilio publishes them; the <c>pcm</c> dialect
/// is ours (product README). Stateful (sequence numbers, chunk counters): one per stream, used by its sender only.
/// </summary>
public abstract class AgentProtocol
{
    /// <summary>The largest agent message read (a second of 24 kHz PCM is 48 KB; base64 JSON of µ-law is smaller).</summary>
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>PCM rate the dialect carries.</summary>
    public abstract int SampleRate { get; }

    /// <summary>Samples in one 20 ms frame at <see cref="SampleRate"/>.</summary>
    public int FrameSamples => SampleRate / 50;

    /// <summary>The dialect's name in the plan and in results.</summary>
    public abstract string Name { get; }

    /// <summary>What the node sends once the socket is open, in order.</summary>
    public abstract IEnumerable<AgentFrame> Opening();

    /// <summary>One 20 ms frame of audio; <paramref name="outbound"/> for what the call played (track <c>outbound</c>).</summary>
    public abstract AgentFrame Media(ReadOnlySpan<short> frame, long mediaMilliseconds, bool outbound);

    /// <summary>A DTMF digit the caller pressed; null when the dialect has no such message.</summary>
    public abstract AgentFrame? Dtmf(char digit);

    /// <summary>The confirmation of the agent's mark <paramref name="name"/>; null when the dialect has no marks.</summary>
    public abstract AgentFrame? MarkPlayed(string name);

    /// <summary>The last message before the node closes (timeout, the call's end); null when the dialect has none.</summary>
    public abstract AgentFrame? Stop();

    /// <summary>
    /// After an <see cref="AgentMessage.Interrupt"/> that dropped <paramref name="droppedSamples"/> unplayed samples (at
    /// <see cref="SampleRate"/>): the message telling the agent what was heard; null when the dialect has none.
    /// </summary>
    public virtual AgentFrame? Truncate(long droppedSamples) => null;

    /// <summary>Reads one message of the agent.</summary>
    public abstract AgentMessage Parse(ReadOnlySpan<byte> message, bool binary);

    /// <summary>The protocol of <paramref name="step"/>.</summary>
    public static AgentProtocol For(StreamStep step, string callId, string streamId) => step.Dialect switch
    {
        StreamDialect.Twilio => new TwilioProtocol(step, callId, streamId),
        StreamDialect.Pcm => new PcmProtocol(step, callId, streamId),
        StreamDialect.OpenAiRealtime => new OpenAiRealtimeProtocol(step),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.Dialect, "Unknown stream dialect."),
    };

    internal static AgentFrame Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return new AgentFrame(buffer.WrittenMemory, Binary: false);
    }

    private protected static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    // Reads the JSON object's "event" and the element; null when not a JSON object with a string event.
    private protected static (string? Event, JsonElement Root) ReadEvent(ReadOnlySpan<byte> message, string member = "event")
    {
        try
        {
            var reader = new Utf8JsonReader(message);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement.Clone();
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty(member, out var e) && e.ValueKind == JsonValueKind.String
                ? (e.GetString(), root)
                : (null, root);
        }
        catch (JsonException)
        {
            return (null, default);
        }
    }

    private protected static string? MarkName(JsonElement root, bool nested) =>
        (nested ? root.TryGetProperty("mark", out var mark) && mark.ValueKind == JsonValueKind.Object && mark.TryGetProperty("name", out var name)
                : root.TryGetProperty("name", out name))
        && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 and <= 256 } text
            ? text
            : null;
}

/// <summary>
/// Twilio Media Streams (bidirectional, <c>&lt;Connect&gt;&lt;Stream&gt;</c>): <c>connected</c>, <c>start</c>, <c>media</c>
/// (base64 8 kHz µ-law), <c>dtmf</c>, <c>mark</c> and <c>stop</c> to the agent, with string sequence numbers, chunks and
/// millisecond timestamps as Twilio writes them; <c>media</c>, <c>mark</c> and <c>clear</c> from it. <c>callSid</c> is
/// our call id; <c>accountSid</c> is empty (there is no Twilio account).
/// </summary>
public sealed class TwilioProtocol : AgentProtocol
{
    private readonly StreamStep _step;
    private readonly string _callId;
    private readonly string _streamSid;
    private long _sequence;
    private long _inboundChunk;
    private long _outboundChunk;

    public TwilioProtocol(StreamStep step, string callId, string streamId)
    {
        ArgumentNullException.ThrowIfNull(step);
        _step = step;
        _callId = callId;
        _streamSid = "MZ" + streamId;
    }

    public override int SampleRate => 8_000;

    public override string Name => "twilio";

    /// <summary>The stream's <c>streamSid</c>: <c>MZ</c> and 32 hex digits, as Twilio's.</summary>
    public string StreamSid => _streamSid;

    public override IEnumerable<AgentFrame> Opening()
    {
        yield return Json(w =>
        {
            w.WriteString("event", "connected");
            w.WriteString("protocol", "Call");
            w.WriteString("version", "1.0.0");
        });
        yield return Json(w =>
        {
            w.WriteString("event", "start");
            w.WriteString("sequenceNumber", Next());
            w.WriteStartObject("start");
            w.WriteString("accountSid", string.Empty);
            w.WriteString("streamSid", _streamSid);
            w.WriteString("callSid", _callId);
            w.WriteStartArray("tracks");
            w.WriteStringValue("inbound");
            if (_step.Tracks == StreamTracks.Both)
            {
                w.WriteStringValue("outbound");
            }

            w.WriteEndArray();
            WriteMap(w, "customParameters", _step.CustomParameters);
            w.WriteStartObject("mediaFormat");
            w.WriteString("encoding", "audio/x-mulaw");
            w.WriteNumber("sampleRate", 8000);
            w.WriteNumber("channels", 1);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("streamSid", _streamSid);
        });
    }

    public override AgentFrame Media(ReadOnlySpan<short> frame, long mediaMilliseconds, bool outbound)
    {
        Span<byte> codes = stackalloc byte[frame.Length];
        MuLaw.Encode(frame, codes);
        var payload = Convert.ToBase64String(codes);
        var chunk = outbound ? ++_outboundChunk : ++_inboundChunk;
        return Json(w =>
        {
            w.WriteString("event", "media");
            w.WriteString("sequenceNumber", Next());
            w.WriteStartObject("media");
            w.WriteString("track", outbound ? "outbound" : "inbound");
            w.WriteString("chunk", chunk.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("timestamp", mediaMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("payload", payload);
            w.WriteEndObject();
            w.WriteString("streamSid", _streamSid);
        });
    }

    public override AgentFrame? Dtmf(char digit) => Json(w =>
    {
        w.WriteString("event", "dtmf");
        w.WriteString("streamSid", _streamSid);
        w.WriteString("sequenceNumber", Next());
        w.WriteStartObject("dtmf");
        w.WriteString("track", "inbound_track");
        w.WriteString("digit", digit.ToString());
        w.WriteEndObject();
    });

    public override AgentFrame? MarkPlayed(string name) => Json(w =>
    {
        w.WriteString("event", "mark");
        w.WriteString("sequenceNumber", Next());
        w.WriteString("streamSid", _streamSid);
        w.WriteStartObject("mark");
        w.WriteString("name", name);
        w.WriteEndObject();
    });

    public override AgentFrame? Stop() => Json(w =>
    {
        w.WriteString("event", "stop");
        w.WriteString("sequenceNumber", Next());
        w.WriteString("streamSid", _streamSid);
        w.WriteStartObject("stop");
        w.WriteString("accountSid", string.Empty);
        w.WriteString("callSid", _callId);
        w.WriteEndObject();
    });

    public override AgentMessage Parse(ReadOnlySpan<byte> message, bool binary)
    {
        if (binary)
        {
            return new AgentMessage.Invalid("the twilio dialect carries JSON text messages only");
        }

        var (name, root) = ReadEvent(message);
        switch (name)
        {
            case null:
                return new AgentMessage.Invalid("not a JSON object with an 'event'");
            case "media":
                if (!root.TryGetProperty("media", out var media) || media.ValueKind != JsonValueKind.Object
                    || !media.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.String)
                {
                    return new AgentMessage.Invalid("a media message without media.payload");
                }

                var text = payload.GetString()!;
                var codes = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
                if (!Convert.TryFromBase64String(text, codes, out var length))
                {
                    return new AgentMessage.Invalid("media.payload is not base64");
                }

                var pcm = new short[length];
                MuLaw.Decode(codes.AsSpan(0, length), pcm);
                return new AgentMessage.Media(pcm);
            case "mark":
                return MarkName(root, nested: true) is { } mark ? new AgentMessage.Mark(mark) : new AgentMessage.Invalid("a mark without mark.name");
            case "clear":
                return new AgentMessage.Clear();
            default:
                return new AgentMessage.Ignored(name);
        }
    }

    private string Next() => (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Our PCM dialect: binary messages are PCM16 little-endian mono at 16 or 24 kHz (20 ms each from the node, any even
/// length from the agent); JSON text messages carry <c>start</c>, <c>dtmf</c>, <c>mark</c> and <c>stop</c> to the agent
/// and <c>mark</c> and <c>clear</c> from it.
/// </summary>
public sealed class PcmProtocol : AgentProtocol
{
    private readonly StreamStep _step;
    private readonly string _callId;
    private readonly string _streamId;

    public PcmProtocol(StreamStep step, string callId, string streamId)
    {
        ArgumentNullException.ThrowIfNull(step);
        _step = step;
        _callId = callId;
        _streamId = streamId;
    }

    public override int SampleRate => _step.SampleRate;

    public override string Name => "pcm";

    public override IEnumerable<AgentFrame> Opening()
    {
        yield return Json(w =>
        {
            w.WriteString("event", "start");
            w.WriteString("streamId", _streamId);
            w.WriteString("callId", _callId);
            WriteMap(w, "customParameters", _step.CustomParameters);
            w.WriteStartObject("mediaFormat");
            w.WriteString("encoding", "audio/pcm");
            w.WriteNumber("sampleRate", SampleRate);
            w.WriteNumber("channels", 1);
            w.WriteNumber("bitsPerSample", 16);
            w.WriteNumber("frameMs", 20);
            w.WriteEndObject();
        });
    }

    public override AgentFrame Media(ReadOnlySpan<short> frame, long mediaMilliseconds, bool outbound)
    {
        var bytes = new byte[frame.Length * 2];
        for (var i = 0; i < frame.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), frame[i]);
        }

        return new AgentFrame(bytes, Binary: true);
    }

    public override AgentFrame? Dtmf(char digit) => Json(w =>
    {
        w.WriteString("event", "dtmf");
        w.WriteString("digit", digit.ToString());
    });

    public override AgentFrame? MarkPlayed(string name) => Json(w =>
    {
        w.WriteString("event", "mark");
        w.WriteString("name", name);
    });

    public override AgentFrame? Stop() => Json(w => w.WriteString("event", "stop"));

    public override AgentMessage Parse(ReadOnlySpan<byte> message, bool binary)
    {
        if (binary)
        {
            if (message.Length % 2 != 0)
            {
                return new AgentMessage.Invalid("a binary message must hold whole 16-bit samples");
            }

            var pcm = new short[message.Length / 2];
            for (var i = 0; i < pcm.Length; i++)
            {
                pcm[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(message[(2 * i)..]);
            }

            return new AgentMessage.Media(pcm);
        }

        var (name, root) = ReadEvent(message);
        return name switch
        {
            null => new AgentMessage.Invalid("not a JSON object with an 'event'"),
            "mark" => MarkName(root, nested: false) is { } mark ? new AgentMessage.Mark(mark) : new AgentMessage.Invalid("a mark without a name"),
            "clear" => new AgentMessage.Clear(),
            _ => new AgentMessage.Ignored(name),
        };
    }
}
