using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Serverless.Testing.FunctionsHost.Discovery;

namespace Serverless.Testing.FunctionsHost.Http;

/// <summary>
/// The host's key check: the key comes from the <c>x-functions-key</c> header, else the <c>code</c> query value.
/// Function level accepts that function's keys, any host key or the master key; Admin (and System) level only
/// the master key; Anonymous needs none.
/// </summary>
internal static class FunctionKeyAuthorizer
{
    public const string KeyHeader = "x-functions-key";
    public const string KeyQuery = "code";

    public static bool IsAuthorized(HttpFunctionDescriptor function, HttpRequest request, FunctionKeys keys)
    {
        if (function.AuthLevel == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        var presented = PresentedKey(request);
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        if (KeyEquals(presented, keys.MasterKey))
        {
            return true;
        }

        return function.AuthLevel == AuthorizationLevel.Function
            && (keys.HostKeys.Any(k => KeyEquals(presented, k)) || keys.KeysFor(function.Name).Any(k => KeyEquals(presented, k)));
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers[KeyHeader].ToString();
        return header.Length > 0 ? header : request.Query[KeyQuery].ToString();
    }

    // Constant time, so response timing does not leak how much of a key matched.
    private static bool KeyEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
