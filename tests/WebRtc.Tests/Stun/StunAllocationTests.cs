using Serverless.WebRtc.Stun;

namespace Serverless.WebRtc.Tests.Stun;

/// <summary>The hot path on the media socket must not allocate: parse, verify, read, and answer.</summary>
public sealed class StunAllocationTests
{
    private static readonly byte[] Key = StunCredentials.ShortTermKey(StunVectors.ShortTermPassword);

    [Fact]
    public void ParseVerifyAndAnswer_AllocateNothing()
    {
        byte[] response = new byte[256];
        ParseVerifyAndAnswer(response); // warm up: JIT, static tables, crypto provider
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Assert.True(ParseVerifyAndAnswer(response));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static bool ParseVerifyAndAnswer(byte[] response)
    {
        if (!StunMessage.TryParse(StunVectors.SampleRequest, out StunMessageView request)
            || !request.VerifyFingerprint()
            || !request.VerifyMessageIntegrity(Key)
            || !request.TryGetUsername(out _)
            || !request.TryGetPriority(out _)
            || !request.TryGetIceControlled(out _))
        {
            return false;
        }

        var writer = new StunMessageWriter(response, StunMessageType.BindingSuccessResponse, request.TransactionId);
        return writer.TryAddXorMappedAddress(StunAddress.FromIPv4(0x7F000001, 50000))
            && writer.TryFinish(Key, out _);
    }
}
