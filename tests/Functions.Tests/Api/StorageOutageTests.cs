using System.Net;
using System.Net.Sockets;
using Serverless.Functions.Calls;
using Serverless.Functions.Tests.App;
using Serverless.Functions.Http;

namespace Serverless.Functions.Tests.Api;

/// <summary>
/// Storage unreachable (its account on a port where nothing listens): the API answers 503 storage-unavailable with
/// Retry-After and a problem body, never the host's empty 500, and places nothing.
/// </summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task Dial_read_and_list_answer_503_with_Retry_After_while_the_storage_account_is_unreachable()
    {
        var dead = DeadStorage();
        await using var app = await CallingApp.StartAsync(
            s =>
            {
                s["Storage:ConnectionString"] = dead;
                s["Recordings:ConnectionString"] = dead;
            },
            runNode: false);

        using var dial = await app.DialAsync(new { to = "+14155550123" }, idempotencyKey: "outage-1");
        using var read = await app.Client.GetAsync(new Uri("api/calls/" + CallIds.New(TimeProvider.System), UriKind.Relative));
        using var list = await app.Client.GetAsync(new Uri("api/calls", UriKind.Relative));

        foreach (var response in new[] { dial, read, list })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(20), response.Headers.RetryAfter?.Delta);
            var problem = await CallingApp.ReadJsonAsync(response);
            Assert.Equal("https://errors.serverless-calling.dev/storage-unavailable", problem.GetProperty("type").GetString());
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
        }

        Assert.Equal(0, app.Bus.CountReady("commands-new")); // nothing placed
        Assert.Empty(app.Graph.Actions);
    }

    [Fact]
    public void Only_failures_of_the_service_count_as_an_outage_not_a_refused_request()
    {
        Assert.True(Serverless.Functions.Http.StorageOutage.IsOutage(new Azure.RequestFailedException("connection refused")));
        Assert.True(Serverless.Functions.Http.StorageOutage.IsOutage(new Azure.RequestFailedException(503, "busy")));
        Assert.True(Serverless.Functions.Http.StorageOutage.IsOutage(new Azure.RequestFailedException(404, "gone", "TableNotFound", null)));
        Assert.True(Serverless.Functions.Http.StorageOutage.IsOutage(new AggregateException(new Azure.RequestFailedException("a"), new Azure.RequestFailedException(500, "b"))));
        Assert.False(Serverless.Functions.Http.StorageOutage.IsOutage(new Azure.RequestFailedException(404, "no such entity", "ResourceNotFound", null)));
        Assert.False(Serverless.Functions.Http.StorageOutage.IsOutage(new Azure.RequestFailedException(412, "etag", "UpdateConditionNotSatisfied", null)));
        Assert.False(Serverless.Functions.Http.StorageOutage.IsOutage(new InvalidOperationException("bug")));
    }

    private static string DeadStorage()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};"
            + $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
            + $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }
}
