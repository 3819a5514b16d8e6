using System.Net;
using System.Text;
using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Stun;

/// <summary>
/// RFC 5769 test vectors. FINGERPRINT and MESSAGE-INTEGRITY verifying against the RFC's own values
/// proves both the transcription and our length-patching rules (RFC 8489 §14.5, §14.7).
/// </summary>
public sealed class StunRfc5769VectorTests
{
    private static readonly byte[] ShortTermKey = StunCredentials.ShortTermKey(StunVectors.ShortTermPassword);

    [Fact]
    public void Rfc5769_Section2_1_SampleRequest_ParsesAndVerifies()
    {
        Assert.True(StunMessage.TryParse(StunVectors.SampleRequest, out StunMessageView message, out StunParseError error), error.ToString());

        Assert.Equal(StunMessageType.BindingRequest, message.MessageType);
        Assert.Equal(StunTransactionId.FromBytes(StunVectors.SampleTransactionId), message.TransactionId);
        Assert.True(message.TryGetSoftware(out ReadOnlySpan<byte> software));
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(software));
        Assert.True(message.TryGetPriority(out uint priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(message.TryGetIceControlled(out ulong tieBreaker));
        Assert.Equal(0x932ff9b151263b36UL, tieBreaker);
        Assert.False(message.TryGetIceControlling(out _));
        Assert.True(message.TryGetUsername(out ReadOnlySpan<byte> username));
        Assert.Equal("evtj:h6vY", Encoding.UTF8.GetString(username));
        Assert.Equal(0, message.UnknownComprehensionRequiredCount);

        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
    }

    [Fact]
    public void Rfc5769_Section2_1_SampleRequest_ReencodesToIdenticalBytes()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest,
            StunTransactionId.FromBytes(StunVectors.SampleTransactionId), paddingByte: 0x20);
        Assert.True(writer.TryAddSoftware("STUN test client"));
        Assert.True(writer.TryAddPriority(0x6e0001ff));
        Assert.True(writer.TryAddIceControlled(0x932ff9b151263b36));
        Assert.True(writer.TryAddUsername("evtj:h6vY"));
        Assert.True(writer.TryFinish(ShortTermKey, out int written));

        Assert.Equal(Convert.ToHexString(StunVectors.SampleRequest), Convert.ToHexString(buffer, 0, written));
    }

    [Fact]
    public void Rfc5769_Section2_2_SampleIPv4Response_ParsesAndVerifies()
    {
        Assert.True(StunMessage.TryParse(StunVectors.SampleIPv4Response, out StunMessageView message));

        Assert.Equal(StunMessageType.BindingSuccessResponse, message.MessageType);
        Assert.True(message.TryGetSoftware(out ReadOnlySpan<byte> software));
        Assert.Equal("test vector", Encoding.UTF8.GetString(software));
        Assert.True(message.TryGetXorMappedAddress(out StunAddress address));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), address.ToEndPoint());
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
    }

    [Fact]
    public void Rfc5769_Section2_2_SampleIPv4Response_ReencodesToIdenticalBytes()
    {
        byte[] encoded = EncodeResponse(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        Assert.Equal(Convert.ToHexString(StunVectors.SampleIPv4Response), Convert.ToHexString(encoded));
    }

    [Fact]
    public void Rfc5769_Section2_3_SampleIPv6Response_ParsesAndVerifies()
    {
        Assert.True(StunMessage.TryParse(StunVectors.SampleIPv6Response, out StunMessageView message));

        Assert.Equal(StunMessageType.BindingSuccessResponse, message.MessageType);
        Assert.True(message.TryGetXorMappedAddress(out StunAddress address));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), address.ToEndPoint());
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
    }

    [Fact]
    public void Rfc5769_Section2_3_SampleIPv6Response_ReencodesToIdenticalBytes()
    {
        byte[] encoded = EncodeResponse(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
        Assert.Equal(Convert.ToHexString(StunVectors.SampleIPv6Response), Convert.ToHexString(encoded));
    }

    [Fact]
    public void Rfc5769_Section2_4_SampleRequestWithLongTermAuthentication_ParsesAndVerifies()
    {
        Assert.True(StunMessage.TryParse(StunVectors.SampleLongTermRequest, out StunMessageView message));

        Assert.Equal(StunMessageType.BindingRequest, message.MessageType);
        Assert.True(message.TryGetUsername(out ReadOnlySpan<byte> username));
        Assert.Equal(StunVectors.LongTermUsername, Encoding.UTF8.GetString(username));
        Assert.True(message.TryGetRealm(out ReadOnlySpan<byte> realm));
        Assert.Equal(StunVectors.LongTermRealm, Encoding.UTF8.GetString(realm));
        Assert.True(message.TryGetNonce(out ReadOnlySpan<byte> nonce));
        Assert.Equal(StunVectors.LongTermNonce, Encoding.UTF8.GetString(nonce));
        Assert.False(message.HasFingerprint);
        Assert.False(message.VerifyFingerprint());

        byte[] key = StunCredentials.LongTermKey(StunVectors.LongTermUsername, StunVectors.LongTermRealm, StunVectors.LongTermPasswordAfterSaslPrep);
        Assert.True(message.VerifyMessageIntegrity(key));
        Assert.False(message.VerifyMessageIntegrity(StunCredentials.ShortTermKey(StunVectors.LongTermPasswordAfterSaslPrep)));
    }

    [Fact]
    public void Rfc5769_Section2_4_SampleRequestWithLongTermAuthentication_ReencodesToIdenticalBytes()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest,
            StunTransactionId.FromBytes(Convert.FromHexString("78ad3433c6ad72c029da412e")));
        Assert.True(writer.TryAddUsername(StunVectors.LongTermUsername));
        Assert.True(writer.TryAddNonce(StunVectors.LongTermNonce));
        Assert.True(writer.TryAddRealm(StunVectors.LongTermRealm));
        Assert.True(writer.TryAddMessageIntegrity(
            StunCredentials.LongTermKey(StunVectors.LongTermUsername, StunVectors.LongTermRealm, StunVectors.LongTermPasswordAfterSaslPrep)));

        Assert.Equal(Convert.ToHexString(StunVectors.SampleLongTermRequest), Convert.ToHexString(writer.Written));
    }

    private static byte[] EncodeResponse(IPEndPoint mapped)
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse,
            StunTransactionId.FromBytes(StunVectors.SampleTransactionId), paddingByte: 0x20);
        Assert.True(writer.TryAddSoftware("test vector"));
        Assert.True(writer.TryAddXorMappedAddress(StunAddress.FromEndPoint(mapped)));
        Assert.True(writer.TryFinish(ShortTermKey, out int written));
        return buffer[..written];
    }
}
