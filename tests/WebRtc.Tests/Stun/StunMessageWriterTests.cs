using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Stun;

public sealed class StunMessageWriterTests
{
    private static readonly byte[] Key = StunCredentials.ShortTermKey("pass");

    [Fact]
    public void Rfc8445_Section11_KeepaliveIndication_CarriesFingerprintOnly()
    {
        var buffer = new byte[64];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingIndication, StunTransactionId.NewRandom());
        Assert.True(writer.TryFinish(out int written));

        Assert.Equal(StunMessage.HeaderLength + 8, written);
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, written), out StunMessageView message));
        Assert.Equal(StunMessageType.BindingIndication, message.MessageType);
        Assert.False(message.HasMessageIntegrity);
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void LargeMessage_IntegrityVerifiesBeyondTheStackCopyLimit()
    {
        var buffer = new byte[4096];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.TryAddAttribute((StunAttributeType)0xC0DE, new byte[3001]));
        Assert.True(writer.TryAddMessageIntegritySha256(Key));
        Assert.True(writer.TryFinish(out int written));

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, written), out StunMessageView message));
        Assert.True(message.VerifyMessageIntegritySha256(Key));
        Assert.True(message.VerifyFingerprint());
        buffer[StunMessage.HeaderLength + 2000] ^= 1;
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, written), out message));
        Assert.False(message.VerifyMessageIntegritySha256(Key));
    }

    [Fact]
    public void DedicatedAttributes_CannotBeAddedRaw()
    {
        Assert.Throws<ArgumentException>(() => AddRaw(StunAttributeType.MessageIntegrity));
        Assert.Throws<ArgumentException>(() => AddRaw(StunAttributeType.MessageIntegritySha256));
        Assert.Throws<ArgumentException>(() => AddRaw(StunAttributeType.Fingerprint));
    }

    [Fact]
    public void Rfc8489_Section14_6_TruncationOutsideSixteenToThirtyTwo_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AddSha256(12));
        Assert.Throws<ArgumentOutOfRangeException>(() => AddSha256(18));
        Assert.Throws<ArgumentOutOfRangeException>(() => AddSha256(36));
    }

    [Fact]
    public void Rfc8489_Section14_8_ErrorCodeOutsideThreeHundredToSixNinetyNine_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AddErrorCode((StunErrorCode)299));
        Assert.Throws<ArgumentOutOfRangeException>(() => AddErrorCode((StunErrorCode)700));
    }

    [Fact]
    public void DefaultView_BehavesAsEmptyMessage()
    {
        Assert.False(StunMessage.TryParse([1, 2, 3], out StunMessageView message));

        Assert.False(message.HasMessageIntegrity);
        Assert.False(message.VerifyMessageIntegrity(Key));
        Assert.False(message.VerifyMessageIntegritySha256(Key));
        Assert.False(message.VerifyFingerprint());
        Assert.False(message.TryGetUsername(out _));
        Assert.Equal(0, message.CopyUnknownComprehensionRequired(new StunAttributeType[4]));
        foreach (StunAttributeView _ in message.GetAttributes())
        {
            Assert.Fail("A default view has no attributes.");
        }
    }

    private static void AddRaw(StunAttributeType type)
    {
        var writer = new StunMessageWriter(new byte[128], StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.TryAddAttribute(type, new byte[20]);
    }

    private static void AddSha256(int length)
    {
        var writer = new StunMessageWriter(new byte[128], StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.TryAddMessageIntegritySha256(Key, length);
    }

    private static void AddErrorCode(StunErrorCode code)
    {
        var writer = new StunMessageWriter(new byte[128], StunMessageType.BindingErrorResponse, StunTransactionId.NewRandom());
        writer.TryAddErrorCode(code, "x");
    }
}
