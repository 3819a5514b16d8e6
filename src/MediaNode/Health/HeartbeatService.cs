using System.Reflection;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Sessions;

namespace Serverless.MediaNode.Health;

/// <summary>
/// Writes this node's row (partition <see cref="PartitionKey"/>, row = node id) every interval, so the Functions
/// can see live nodes, their address and free capacity. The last write's success is the storage readiness signal.
/// </summary>
public sealed partial class HeartbeatService : BackgroundService
{
    /// <summary>Partition of all node rows.</summary>
    public const string PartitionKey = "medianode";

    private static readonly string Version = typeof(HeartbeatService).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly TableClient _table;
    private readonly MediaNodeOptions _options;
    private readonly SessionRegistry _sessions;
    private readonly PeerFactoryHost _peers;
    private readonly TimeProvider _time;
    private readonly ILogger<HeartbeatService> _logger;
    private readonly SemaphoreSlim _beatGate = new(1, 1);
    private volatile bool _lastWriteSucceeded;

    /// <summary>Creates the service.</summary>
    public HeartbeatService(TableClient table, MediaNodeOptions options, SessionRegistry sessions, PeerFactoryHost peers, TimeProvider time, ILogger<HeartbeatService> logger)
    {
        _table = table;
        _options = options;
        _sessions = sessions;
        _peers = peers;
        _time = time;
        _logger = logger;
        _sessions.RoomChanged += OnRoomChanged;
    }

    /// <summary>Raised after each row reached Table Storage, with the free capacity it reported.</summary>
    public event Action<int>? RowWritten;

    /// <summary>Whether the last heartbeat reached Table Storage.</summary>
    public bool StorageReachable => _lastWriteSucceeded;

    /// <summary>Writes one row now.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        // One write at a time, each built when it starts: a slow earlier write cannot land last with older numbers.
        await _beatGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteRowAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _beatGate.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _sessions.RoomChanged -= OnRoomChanged;
        _beatGate.Dispose();
        base.Dispose();
    }

    // Full, room again, or draining: tell the Functions now rather than at the next tick (they refuse new calls when
    // every live node is full). Off the caller's thread; a failure is logged and the next tick writes again.
    private void OnRoomChanged() => _ = Task.Run(BeatNowAsync);

    private async Task BeatNowAsync()
    {
        try
        {
            await BeatAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile: the stop writes the last row.
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException)
        {
            _lastWriteSucceeded = false;
            LogFailed(_logger, ex);
        }
    }

    private async Task WriteRowAsync(CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionKey, _options.NodeId)
        {
            ["Address"] = _options.PublicAddress,
            ["UdpPort"] = _peers.IsBound ? _peers.Port : _options.UdpPort,
            ["MaxCalls"] = _sessions.MaxCalls,
            ["ActiveCalls"] = _sessions.ActiveCount,
            ["FreeCapacity"] = _sessions.FreeCapacity,
            ["Draining"] = _sessions.IsDraining,
            ["Version"] = Version,
            ["BeatAt"] = _time.GetUtcNow(),
            // The Functions declare a node dead after several of its own intervals without a row (NodeWatch).
            ["IntervalSeconds"] = _options.HeartbeatInterval.TotalSeconds,
        };
        try
        {
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        _lastWriteSucceeded = true;
        RowWritten?.Invoke((int)entity["FreeCapacity"]);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // A last row after the drain (which stops before this service): the Functions see this node draining and empty.
        try
        {
            await BeatAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException or OperationCanceledException)
        {
            LogFailed(_logger, ex);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        do
        {
            try
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException)
            {
                _lastWriteSucceeded = false;
                LogFailed(_logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat write failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
