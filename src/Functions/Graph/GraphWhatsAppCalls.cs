using Serverless.Shared.WhatsApp.Graph;

namespace Serverless.Functions.Graph;

/// <summary>
/// <see cref="IWhatsAppCalls"/> over the shared Graph client: the flows see one exception type with Meta's code,
/// whatever failed (Meta's error answer, transport, an unreadable response, or an argument the client refused
/// before sending).
/// </summary>
public sealed class GraphWhatsAppCalls(IWhatsAppGraphClient client) : IWhatsAppCalls
{
    public Task<string> ConnectAsync(string phoneNumberId, string to, string sdpOffer, string? bizOpaqueCallbackData, CancellationToken cancellationToken) =>
        Guard(() => client.ConnectAsync(phoneNumberId, to, sdpOffer, bizOpaqueCallbackData, cancellationToken));

    public Task PreAcceptAsync(string phoneNumberId, string wacid, string sdpAnswer, CancellationToken cancellationToken) =>
        Guard(() => client.PreAcceptAsync(phoneNumberId, wacid, sdpAnswer, cancellationToken));

    public Task AcceptAsync(string phoneNumberId, string wacid, string sdpAnswer, string? bizOpaqueCallbackData, CancellationToken cancellationToken) =>
        Guard(() => client.AcceptAsync(phoneNumberId, wacid, sdpAnswer, bizOpaqueCallbackData, cancellationToken));

    public Task RejectAsync(string phoneNumberId, string wacid, CancellationToken cancellationToken) =>
        Guard(() => client.RejectAsync(phoneNumberId, wacid, cancellationToken));

    public Task TerminateAsync(string phoneNumberId, string wacid, CancellationToken cancellationToken) =>
        Guard(() => client.TerminateAsync(phoneNumberId, wacid, cancellationToken));

    private static async Task Guard(Func<Task> action) => await Guard(async () =>
    {
        await action();
        return true;
    });

    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (WhatsAppApiException ex)
        {
            throw new WhatsAppCallException(ex.Code, ex.MetaMessage, ex);
        }
        catch (WhatsAppGraphException ex)
        {
            throw new WhatsAppCallException(null, ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            // The client refused our own input (e.g. an SDP without a sha-256 fingerprint): nothing reached Meta.
            throw new WhatsAppCallException(null, ex.Message, ex);
        }
    }
}
