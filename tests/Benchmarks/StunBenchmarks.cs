using BenchmarkDotNet.Attributes;
using Serverless.WebRtc.Stun;

namespace Serverless.Benchmarks;

/// <summary>
/// The per-check cost on the media socket: parse a typical ICE Binding request (USERNAME, PRIORITY,
/// ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT) and verify both checks.
/// Target: zero allocations.
/// </summary>
[MemoryDiagnoser]
public class StunBenchmarks
{
    private readonly byte[] _key = StunCredentials.ShortTermKey("9o3bXYsHkXqXQR7qk1R0W3Cg");
    private readonly byte[] _buffer = new byte[512];
    private byte[] _request = [];

    [GlobalSetup]
    public void Setup()
    {
        var writer = new StunMessageWriter(_buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.TryAddUsername("Fz5x:a8Qk");
        writer.TryAddPriority(0x6e7f1eff);
        writer.TryAddIceControlling(0x1234_5678_9abc_def0);
        writer.TryAddUseCandidate();
        if (!writer.TryFinish(_key, out int written))
        {
            throw new InvalidOperationException("Buffer too small for the benchmark request.");
        }

        _request = _buffer[..written];
    }

    [Benchmark(Baseline = true)]
    public bool ParseAndVerify()
    {
        return StunMessage.TryParse(_request, out StunMessageView message)
            && message.VerifyFingerprint()
            && message.VerifyMessageIntegrity(_key)
            && message.TryGetUsername(out _)
            && message.TryGetPriority(out _)
            && message.HasUseCandidate;
    }

    [Benchmark]
    public bool ParseOnly() => StunMessage.TryParse(_request, out _);

    [Benchmark]
    public int WriteBindingRequest()
    {
        var writer = new StunMessageWriter(_buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.TryAddUsername("Fz5x:a8Qk");
        writer.TryAddPriority(0x6e7f1eff);
        writer.TryAddIceControlling(0x1234_5678_9abc_def0);
        writer.TryAddUseCandidate();
        writer.TryFinish(_key, out int written);
        return written;
    }
}
