using System.Text.Json.Nodes;
using Serverless.Testing.WhatsAppSimulator.Graph;

namespace Serverless.Testing.WhatsAppSimulator.Settings;

/// <summary>
/// The <c>calling</c> settings per business number (meta-calling-api.md §4). POSTed top-level members replace
/// the stored ones; <c>call_hours</c> is replaced as a whole. Calling starts ENABLED so the product works at once.
/// </summary>
public sealed class CallSettingsStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, JsonObject> _byNumber = new(StringComparer.Ordinal);

    /// <summary>A copy of the stored <c>calling</c> object for <paramref name="phoneNumberId"/>.</summary>
    public JsonObject Get(string phoneNumberId)
    {
        lock (_gate)
        {
            return (JsonObject)Stored(phoneNumberId).DeepClone();
        }
    }

    /// <summary>True unless <c>calling.status</c> was set to DISABLED.</summary>
    public bool IsCallingEnabled(string phoneNumberId)
    {
        lock (_gate)
        {
            return Stored(phoneNumberId)["status"]?.GetValue<string>() != "DISABLED";
        }
    }

    /// <summary>True when <c>callback_permission_status</c> is ENABLED.</summary>
    public bool IsCallbackPermissionEnabled(string phoneNumberId)
    {
        lock (_gate)
        {
            return Stored(phoneNumberId)["callback_permission_status"]?.GetValue<string>() == "ENABLED";
        }
    }

    /// <summary>Validates and stores <paramref name="calling"/>; returns Meta's error when invalid.</summary>
    public GraphError? Update(string phoneNumberId, JsonObject calling)
    {
        ArgumentNullException.ThrowIfNull(calling);
        if (CallSettingsValidator.Validate(calling) is { } error)
        {
            return error;
        }

        lock (_gate)
        {
            var stored = Stored(phoneNumberId);
            foreach (var (name, value) in calling)
            {
                stored[name] = value?.DeepClone();
            }
        }

        return null;
    }

    private JsonObject Stored(string phoneNumberId)
    {
        if (!_byNumber.TryGetValue(phoneNumberId, out var calling))
        {
            calling = new JsonObject
            {
                ["status"] = "ENABLED",
                ["call_icon_visibility"] = "DEFAULT",
                ["callback_permission_status"] = "DISABLED",
            };
            _byNumber[phoneNumberId] = calling;
        }

        return calling;
    }
}
