using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Serverless.Testing.FunctionsHost;

/// <summary>
/// The keys the host accepts, shaped like the Functions host's key store: one master key (Admin level and
/// everything else), host keys (any Function-level function), and keys that open only one named function.
/// Keys may be added while the host runs (e.g. to test key rotation); reads never see a half-made change.
/// </summary>
public sealed class FunctionKeys
{
    private ImmutableDictionary<string, ImmutableArray<string>> _byFunction =
        ImmutableDictionary.Create<string, ImmutableArray<string>>(StringComparer.OrdinalIgnoreCase);

    private ImmutableArray<string> _hostKeys;

    public FunctionKeys(string masterKey, string defaultHostKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(masterKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultHostKey);
        MasterKey = masterKey;
        DefaultHostKey = defaultHostKey;
        _hostKeys = [defaultHostKey];
    }

    /// <summary>The master key: the only key that opens Admin-level functions.</summary>
    public string MasterKey { get; }

    /// <summary>The host key named "default" in the real key store.</summary>
    public string DefaultHostKey { get; }

    /// <summary>Every host key, the default one first.</summary>
    public IReadOnlyList<string> HostKeys => _hostKeys;

    /// <summary>Fresh random master and default host keys, as a new function app gets them.</summary>
    public static FunctionKeys CreateRandom() => new(NewKey(), NewKey());

    /// <summary>Adds another host key (the real host allows several named host keys).</summary>
    public FunctionKeys AddHostKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ImmutableInterlocked.Update(ref _hostKeys, keys => keys.Add(key));
        return this;
    }

    /// <summary>Adds a key that opens only <paramref name="functionName"/>.</summary>
    public FunctionKeys AddFunctionKey(string functionName, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ImmutableInterlocked.AddOrUpdate(ref _byFunction, functionName, [key], (_, keys) => keys.Add(key));
        return this;
    }

    /// <summary>Keys that open only <paramref name="functionName"/> (empty when none).</summary>
    public IReadOnlyList<string> KeysFor(string functionName) =>
        _byFunction.TryGetValue(functionName, out var keys) ? keys : [];

    private static string NewKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
