using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Shared.Transport;

namespace Serverless.MediaNode;

/// <summary>Refuses settings that would fail later, at start-up instead (with ValidateOnStart).</summary>
public sealed class MediaNodeOptionsValidator : IValidateOptions<MediaNodeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MediaNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NodeId) || !CommandQueueNames.IsValidQueueName("commands-" + options.NodeId))
        {
            failures.Add($"MediaNode:NodeId '{options.NodeId}' must be non-empty and form a valid queue name.");
        }

        if (options.PublicAddress is not null && !IPAddress.TryParse(options.PublicAddress, out _))
        {
            failures.Add("MediaNode:PublicAddress must be an IP address.");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add("MediaNode:BindAddress must be an IP address.");
        }

        if (options.StunServer is not null && !IPEndPoint.TryParse(options.StunServer, out _))
        {
            failures.Add("MediaNode:StunServer must be an IP endpoint (address:port).");
        }

        if (options.PublicAddress is null && !options.AnnounceInterfaces)
        {
            failures.Add("MediaNode needs PublicAddress or AnnounceInterfaces, or it announces no candidate.");
        }

        if (options.UdpPort is < 0 or > IPEndPoint.MaxPort)
        {
            failures.Add("MediaNode:UdpPort must be 0..65535.");
        }

        if (options.HttpPort is < 0 or > IPEndPoint.MaxPort)
        {
            failures.Add("MediaNode:HttpPort must be 0..65535.");
        }

        if (options.WakeEndpoint && !(IPAddress.TryParse(options.HttpBindAddress, out var bind) && IPAddress.IsLoopback(bind)))
        {
            failures.Add("MediaNode:WakeEndpoint needs a loopback MediaNode:HttpBindAddress: the doorbell is unsigned and local only (Service Bus needs none).");
        }

        if (options.MaxCalls < 1)
        {
            failures.Add("MediaNode:MaxCalls must be at least 1.");
        }

        if (options.EventsUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("MediaNode:EventsUrl must be an absolute http(s) URL.");
        }

        if (string.IsNullOrEmpty(options.EventsSecret))
        {
            failures.Add("MediaNode:EventsSecret is required.");
        }

        if ((options.BlobServiceUri is null) != (options.TableServiceUri is null))
        {
            failures.Add("MediaNode:BlobServiceUri and MediaNode:TableServiceUri go together (storage by identity).");
        }
        else if (options.UsesStorageIdentity)
        {
            if (options.BlobServiceUri is not { IsAbsoluteUri: true, Scheme: "https" } || options.TableServiceUri is not { IsAbsoluteUri: true, Scheme: "https" })
            {
                failures.Add("MediaNode:BlobServiceUri and MediaNode:TableServiceUri must be absolute https URLs.");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.StorageConnectionString))
        {
            failures.Add("MediaNode:StorageConnectionString (or BlobServiceUri and TableServiceUri) is required (heartbeat table).");
        }

        if (options.MaxPendingEvents < 1)
        {
            failures.Add("MediaNode:MaxPendingEvents must be at least 1.");
        }

        if (options.MaxParallelEventDeliveries is < 1 or > 256)
        {
            failures.Add("MediaNode:MaxParallelEventDeliveries must be from 1 to 256.");
        }

        RequirePositive(failures, options.ConnectTimeout, nameof(options.ConnectTimeout));
        RequirePositive(failures, options.HeartbeatInterval, nameof(options.HeartbeatInterval));
        RequirePositive(failures, options.EventRetryDelay, nameof(options.EventRetryDelay));
        RequirePositive(failures, options.EventPostTimeout, nameof(options.EventPostTimeout));
        if (options.MaxEventRetryDelay < options.EventRetryDelay)
        {
            failures.Add("MediaNode:MaxEventRetryDelay must be at least EventRetryDelay.");
        }

        if (options.ConsentTimeout < TimeSpan.FromSeconds(8))
        {
            failures.Add("MediaNode:ConsentTimeout must be at least 00:00:08 (consent checks go out every 4-6 s).");
        }

        if (options.DrainTimeout < TimeSpan.Zero)
        {
            failures.Add("MediaNode:DrainTimeout must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"MediaNode:{name} must be positive.");
        }
    }
}
