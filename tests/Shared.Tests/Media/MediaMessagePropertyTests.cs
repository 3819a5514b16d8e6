using CsCheck;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.Shared.Tests.Media;

public class MediaMessagePropertyTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    private static readonly Gen<MediaMessage> GenMessage =
        Gen.Select(Gen.String, Gen.String, Gen.Long, Gen.Enum<HangupReason>(), Gen.Enum<MediaFailureReason>(), Gen.Int[0, 4])
            .Select((text, id, sequence, hangup, failure, kind) => kind switch
            {
                0 => (MediaMessage)new ApplyAnswer { CallId = id, NodeId = id, CreatedAt = At, Sdp = text, Sequence = sequence },
                1 => new Hangup { CallId = id, CreatedAt = At, Reason = hangup, Sequence = sequence, MessageId = text },
                2 => new StartInbound { CallId = id, CreatedAt = At, OfferSdp = text },
                3 => new MediaFailed { CallId = id, CreatedAt = At, Reason = failure, Detail = text },
                _ => new DtmfReceived { CallId = id, CreatedAt = At, Digits = text },
            });

    [Fact]
    public void Any_message_round_trips_unchanged()
    {
        GenMessage.Sample(message =>
        {
            Assert.True(MediaMessageSerializer.TryDeserialize(MediaMessageSerializer.Serialize(message), out var back, out var error), error.ToString());
            Assert.Equal(message, back);
        });
    }

    [Fact]
    public void Arbitrary_or_corrupted_bytes_never_throw()
    {
        var valid = MediaMessageSerializer.Serialize(new Hangup { CallId = "c", CreatedAt = At, Reason = HangupReason.User });

        Gen.Byte.Array[0, 256].Sample(bytes =>
        {
            MediaMessageSerializer.TryDeserialize(bytes, out _, out _);
        });
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte).Sample((index, value) =>
        {
            var corrupted = (byte[])valid.Clone();
            corrupted[index] = value;
            var ok = MediaMessageSerializer.TryDeserialize(corrupted, out var message, out var error);
            Assert.Equal(ok, message is not null);
            Assert.Equal(ok, error == MediaMessageError.None);
        });
    }

    [Fact]
    public void Any_single_bit_flip_of_a_signed_body_is_a_mismatch()
    {
        var signer = new MediaEventSigner(new HmacSha256Signature("media-secret"), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At));

        Gen.Byte.Array[1, 512].SelectMany(body => Gen.Int[0, (body.Length * 8) - 1].Select(bit => (body, bit))).Sample((body, bit) =>
        {
            var headers = signer.Sign(body);
            Assert.Equal(MediaEventCheck.Valid, signer.Verify(body, headers.Signature, headers.Timestamp));

            var flipped = (byte[])body.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(MediaEventCheck.Mismatch, signer.Verify(flipped, headers.Signature, headers.Timestamp));
        });
    }
}
