using System.Buffers.Binary;
using System.Net;
using Serverless.WebRtc.Stun;

namespace Serverless.Fuzz.Targets;

/// <summary>STUN (RFC 8489) as the media socket reads it: parse, walk every attribute, every accessor, both integrity checks.</summary>
internal sealed class StunTarget : FuzzTarget
{
    private static readonly byte[] Key = StunCredentials.ShortTermKey("9o3bXYsHkXqXQR7qk1R0W3Cg");
    private readonly StunAttributeType[] _unknown = new StunAttributeType[64];

    public override string Name => "stun";

    public override string Parser => "Serverless.WebRtc.Stun.StunMessage.TryParse + StunMessageView accessors";

    public override IReadOnlyList<byte[]> Seeds()
    {
        var buffer = new byte[1024];
        var seeds = new List<byte[]>();
        var request = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        request.TryAddUsername("Fz5x:a8Qk");
        request.TryAddPriority(0x6e7f1eff);
        request.TryAddIceControlling(0x1234_5678_9abc_def0);
        request.TryAddUseCandidate();
        request.TryFinish(Key, out var written);
        seeds.Add(buffer[..written]);

        var response = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, StunTransactionId.NewRandom());
        response.TryAddXorMappedAddress(StunAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)));
        response.TryAddXorMappedAddress(StunAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 3478)));
        response.TryAddMappedAddress(StunAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)));
        response.TryAddSoftware("fuzz seed");
        response.TryFinish(Key, out written);
        seeds.Add(buffer[..written]);

        var error = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, StunTransactionId.NewRandom());
        error.TryAddErrorCode(StunErrorCode.RoleConflict);
        error.TryAddUnknownAttributes([StunAttributeType.Username, StunAttributeType.Priority]);
        error.TryAddRealm("example.org");
        error.TryAddNonce("abcdefgh");
        error.TryFinish(out written);
        seeds.Add(buffer[..written]);

        var sha256 = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        sha256.TryAddUsername("a:b");
        sha256.TryAddIceControlled(42);
        sha256.TryAddMessageIntegritySha256(Key);
        sha256.TryFinish(out written);
        seeds.Add(buffer[..written]);
        return seeds;
    }

    // Structure-aware: most mutants keep a consistent length field and the magic cookie, so they reach the attributes.
    public override byte[] Mutate(Mutator mutator, byte[] seed, IReadOnlyList<byte[]> pool)
    {
        var data = mutator.MutateBytes(seed, pool);
        if (data.Length >= 20 && mutator.Random.Next(4) != 0)
        {
            data[0] &= 0x3F;
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)Math.Min(ushort.MaxValue, data.Length - 20));
            if (mutator.Random.Next(4) != 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), StunMessage.MagicCookie);
            }
        }

        return data;
    }

    public override bool Run(byte[] input)
    {
        if (!StunMessage.TryParse(input, out var message, out _))
        {
            return false;
        }

        foreach (var attribute in message.GetAttributes())
        {
            _ = attribute.Type;
            _ = attribute.Value.Length;
        }

        message.CopyUnknownComprehensionRequired(_unknown);
        message.TryGetUsername(out _);
        message.TryGetSoftware(out _);
        message.TryGetRealm(out _);
        message.TryGetNonce(out _);
        message.TryGetPriority(out _);
        _ = message.HasUseCandidate;
        message.TryGetIceControlling(out _);
        message.TryGetIceControlled(out _);
        message.TryGetXorMappedAddress(out _);
        message.TryGetMappedAddress(out _);
        message.TryGetErrorCode(out _, out _);
        message.TryGetUnknownAttributes(_unknown, out _);
        message.VerifyFingerprint();
        message.VerifyMessageIntegrity(Key);
        message.VerifyMessageIntegritySha256(Key);
        return true;
    }
}
