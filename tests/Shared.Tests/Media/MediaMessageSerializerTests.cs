using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Serverless.Shared.Media;

namespace Serverless.Shared.Tests.Media;

public class MediaMessageSerializerTests
{
    public static TheoryData<string> TypeNames() =>
        new(MediaMessageSamples.All().Select(m => m.MessageType).Distinct());

    [Fact]
    public void Samples_cover_every_registered_message_type()
    {
        var registered = typeof(MediaMessage).GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().Select(a => a.DerivedType.Name);
        Assert.Equal(registered.Order(), MediaMessageSamples.All().Select(m => m.MessageType).Distinct().Order());
    }

    [Fact]
    public void Every_command_and_event_round_trips_to_an_equal_record()
    {
        foreach (var message in MediaMessageSamples.All())
        {
            var bytes = MediaMessageSerializer.Serialize(message);

            Assert.True(MediaMessageSerializer.TryDeserialize(bytes, out var back, out var error), $"{message.MessageType}: {error}");
            Assert.Equal(message.GetType(), back.GetType());
            // JsonElement has reference equality, so compare the plan by text and the rest by record equality.
            if (message is StartOutbound outbound)
            {
                var backOutbound = (StartOutbound)back;
                Assert.Equal(outbound.AudioPlan!.Value.GetRawText(), backOutbound.AudioPlan!.Value.GetRawText());
                Assert.Equal(outbound with { AudioPlan = null }, backOutbound with { AudioPlan = null });
            }
            else
            {
                Assert.Equal(message, back);
            }
        }
    }

    [Fact]
    public void MediaEnded_carries_its_reason_by_name_and_one_from_an_older_node_without_it_reads_as_null()
    {
        var ended = new MediaEnded { CallId = "c", NodeId = "n", CreatedAt = MediaMessageSamples.At, Stats = new MediaStats(), Reason = HangupReason.NodeDrained };
        using (var doc = JsonDocument.Parse(MediaMessageSerializer.Serialize(ended)))
        {
            Assert.Equal("NodeDrained", doc.RootElement.GetProperty("reason").GetString());
        }

        var node = System.Text.Json.Nodes.JsonNode.Parse(MediaMessageSerializer.Serialize(ended))!.AsObject();
        Assert.True(node.Remove("reason"));
        var older = System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
        Assert.True(MediaMessageSerializer.TryDeserialize(older, out var back, out var error), error.ToString());
        Assert.Null(Assert.IsType<MediaEnded>(back).Reason);
    }

    [Fact]
    public void Json_names_the_type_and_schema_version_and_uses_camel_case_and_enum_names()
    {
        var hangup = new Hangup { CallId = "c", NodeId = "n", CreatedAt = MediaMessageSamples.At, Reason = HangupReason.NoAnswer, MessageId = "m1" };

        using var doc = JsonDocument.Parse(MediaMessageSerializer.Serialize(hangup));
        var root = doc.RootElement;

        Assert.Equal("Hangup", root.GetProperty("type").GetString());
        Assert.Equal(MediaMessage.CurrentSchemaVersion, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("m1", root.GetProperty("messageId").GetString());
        Assert.Equal("c", root.GetProperty("callId").GetString());
        Assert.Equal("n", root.GetProperty("nodeId").GetString());
        Assert.Equal("NoAnswer", root.GetProperty("reason").GetString());
        Assert.False(root.TryGetProperty("startsCall", out _));
        Assert.False(root.TryGetProperty("messageType", out _));
    }

    [Fact]
    public void Type_discriminator_need_not_come_first()
    {
        var json = """{"callId":"c","createdAt":"2026-11-26T02:00:00+00:00","sdp":"v=0","type":"ApplyAnswer","schemaVersion":1,"sequence":3}"""u8;

        Assert.True(MediaMessageSerializer.TryDeserialize(json, out var message, out _));

        var answer = Assert.IsType<ApplyAnswer>(message);
        Assert.Equal(3, answer.Sequence);
        Assert.Equal("v=0", answer.Sdp);
    }

    [Fact]
    public void Unknown_type_is_a_typed_error()
    {
        var json = """{"type":"Transfer","schemaVersion":1,"callId":"c","createdAt":"2026-11-26T02:00:00Z"}"""u8;

        Assert.False(MediaMessageSerializer.TryDeserialize(json, out var message, out var error));
        Assert.Null(message);
        Assert.Equal(MediaMessageError.UnknownType, error);
    }

    [Theory]
    [InlineData(MediaMessage.CurrentSchemaVersion + 1)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Newer_or_invalid_schema_version_is_a_typed_error(int version)
    {
        var json = Encoding.UTF8.GetBytes($$"""{"type":"Hangup","schemaVersion":{{version}},"callId":"c","createdAt":"2026-11-26T02:00:00Z","reason":"User"}""");

        Assert.False(MediaMessageSerializer.TryDeserialize(json, out _, out var error));
        Assert.Equal(MediaMessageError.UnsupportedVersion, error);
    }

    [Theory]
    [InlineData("", MediaMessageError.Malformed)]
    [InlineData("[1,2]", MediaMessageError.Malformed)]
    [InlineData("{\"type\":\"Hangup\"", MediaMessageError.Malformed)]
    [InlineData("{\"callId\":\"c\"}", MediaMessageError.MissingType)]
    [InlineData("{\"type\":42}", MediaMessageError.MissingType)]
    // Known type but a required field (sdp) is missing.
    [InlineData("{\"type\":\"ApplyAnswer\",\"callId\":\"c\",\"createdAt\":\"2026-11-26T02:00:00Z\"}", MediaMessageError.Malformed)]
    [InlineData("{\"type\":\"Hangup\",\"callId\":\"c\",\"createdAt\":\"2026-11-26T02:00:00Z\",\"reason\":\"Bored\"}", MediaMessageError.Malformed)]
    public void Malformed_input_is_a_typed_error_not_an_exception(string json, MediaMessageError expected)
    {
        Assert.False(MediaMessageSerializer.TryDeserialize(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_malformed_not_an_exception()
    {
        byte[] json = [.. "{\"type\":\"Hang"u8, 0xC3, 0x28, .. "\",\"callId\":\"c\"}"u8];

        Assert.False(MediaMessageSerializer.TryDeserialize(json, out _, out var error));
        Assert.Equal(MediaMessageError.Malformed, error);
    }

    [Fact]
    public void Asking_for_a_command_but_reading_an_event_is_UnexpectedKind()
    {
        var bytes = MediaMessageSerializer.Serialize(new MediaConnected { CallId = "c", CreatedAt = MediaMessageSamples.At });

        Assert.False(MediaMessageSerializer.TryDeserialize<MediaCommand>(bytes, out _, out var error));
        Assert.Equal(MediaMessageError.UnexpectedKind, error);
        Assert.True(MediaMessageSerializer.TryDeserialize<MediaEvent>(bytes, out var evt, out _));
        Assert.IsType<MediaConnected>(evt);
    }

    [Fact]
    public void Message_id_is_stable_across_serialization_so_redelivery_is_recognised()
    {
        var command = new ApplyAnswer { CallId = "c", NodeId = "n", CreatedAt = MediaMessageSamples.At, Sdp = "v=0" };

        var first = MediaMessageSerializer.Serialize(command);
        var again = MediaMessageSerializer.Serialize(command);

        Assert.True(MediaMessageSerializer.TryDeserialize(first, out var a, out _));
        Assert.True(MediaMessageSerializer.TryDeserialize(again, out var b, out _));
        Assert.Equal(command.MessageId, a.MessageId);
        Assert.Equal(a.MessageId, b.MessageId);
        Assert.NotEqual(command.MessageId, new ApplyAnswer { CallId = "c", CreatedAt = MediaMessageSamples.At, Sdp = "v=0" }.MessageId);
    }
}
