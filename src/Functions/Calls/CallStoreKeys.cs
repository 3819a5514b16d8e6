using System.Security.Cryptography;
using System.Text;

namespace Serverless.Functions.Calls;

/// <summary>
/// Table keys. Values from outside (wacids, dedup and idempotency keys) are hashed into keys, because
/// PartitionKey/RowKey forbid '/', '\', '#', '?' and control characters; the raw value is kept in a property.
/// </summary>
internal static class CallStoreKeys
{
    public const string CallRowKey = "call";
    public const string EventRowPrefix = "evt-";
    public const string IndexRowKey = "";
    public const string KindProperty = "Kind";
    public const string CallKind = "call";
    public const string EventKind = "event";
    public const int MaxExternalKeyLength = 1024;

    public static string EventRowKey(string dedupKey) => EventRowPrefix + Hash(dedupKey);

    public static string Hash(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Length > MaxExternalKeyLength)
        {
            throw new ArgumentException($"Key longer than {MaxExternalKeyLength} characters.", nameof(value));
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        return Convert.ToHexStringLower(digest);
    }
}
