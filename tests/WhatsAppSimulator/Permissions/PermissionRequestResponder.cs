using System.Security.Cryptography;
using Serverless.Testing.WhatsAppSimulator.Clock;
using Serverless.Testing.WhatsAppSimulator.Users;
using Serverless.Testing.WhatsAppSimulator.Webhooks;

namespace Serverless.Testing.WhatsAppSimulator.Permissions;

/// <summary>Plays the user's reply to a call_permission_request: updates the table and sends the §3 reply webhook.</summary>
internal sealed class PermissionRequestResponder(SimulatorClock clock, CallPermissionTable table, SimulatedUsers users, WebhookSender webhooks)
{
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewMessageId() => "wamid." + RandomNumberGenerator.GetString(IdAlphabet, 40);

    /// <summary>Meta's receipts for a sent message: <c>sent</c> at once, <c>delivered</c> one second later.</summary>
    public void SendReceipts(BusinessPhoneNumber business, string userWaId, string messageId)
    {
        var now = clock.UtcNow;
        webhooks.Enqueue(WebhookValues.MessageStatus(business, messageId, userWaId, "sent", now.ToUnixTimeSeconds()));
        clock.ScheduleAt(now + TimeSpan.FromSeconds(1), at =>
            webhooks.Enqueue(WebhookValues.MessageStatus(business, messageId, userWaId, "delivered", at.ToUnixTimeSeconds())));
    }

    /// <summary>Schedules the scripted reply to request <paramref name="requestMessageId"/>, if the user replies at all.</summary>
    public void Schedule(BusinessPhoneNumber business, string userWaId, string requestMessageId)
    {
        var behavior = users.Get(userWaId);
        if (behavior.PermissionReply == PermissionReply.None)
        {
            return;
        }

        clock.ScheduleAt(clock.UtcNow + behavior.PermissionReplyAfter, at => Reply(business, userWaId, requestMessageId, behavior, at));
    }

    private void Reply(BusinessPhoneNumber business, string userWaId, string requestMessageId, SimulatedUserBehavior behavior, DateTimeOffset at)
    {
        var accepted = behavior.PermissionReply is PermissionReply.Accept or PermissionReply.AcceptPermanently;
        var permanent = behavior.PermissionReply == PermissionReply.AcceptPermanently;
        long? expires = null;
        if (accepted)
        {
            table.Grant(userWaId, permanent);
            if (!permanent)
            {
                expires = (at + CallPermissionTable.TemporaryPermissionLifetime).ToUnixTimeSeconds();
            }
        }

        webhooks.Enqueue(WebhookValues.PermissionReply(
            business, userWaId, behavior.ProfileName, requestMessageId, NewMessageId(), at.ToUnixTimeSeconds(),
            accepted, permanent, expires, "user_action"));
    }
}
